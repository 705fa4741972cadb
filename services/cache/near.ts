// A near tier in front of Redis for keys read on every request (session states): a small in-process LRU,
// kept exact across instances by an invalidation channel. Every write or delete of a near key publishes
// the key; every instance drops it at once. While the subscriber is not connected nothing is served from
// the tier (and it is emptied), since invalidations sent meanwhile are unknown.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { jsonLayer } from './json.ts';
import type { Cache } from './types.ts';

export interface NearOptions {
  /** Key prefixes (without the Redis key prefix) that the tier holds, e.g. ['sess:']. */
  keyPrefixes: string[];
  /** Pub/sub channel of the invalidations (shared by every instance of one deployment). */
  channel: string;
  ttlMs?: number;
  max?: number;
  onError?: (err: unknown) => void;
}

export interface NearCache extends Cache {
  /** Entries held now (tests and metrics). */
  nearSize(): number;
  /** While Redis misbehaves, writes elsewhere may not reach this instance: serve nothing from the tier. */
  suspend(suspended: boolean): void;
  /** Resolves once the invalidation channel is subscribed (or after waitMs: the tier simply stays off). */
  started(waitMs: number): Promise<void>;
}

export function withNearTier(redis: Redis, inner: Cache, options: NearOptions): NearCache {
  const ttlMs = options.ttlMs ?? 60_000;
  const local = new LRUCache<string, string>({ max: options.max ?? 50_000, ttl: ttlMs });
  const held = (key: string) => options.keyPrefixes.some((p) => key.startsWith(p));
  const subscriber = redis.duplicate({ enableOfflineQueue: true });
  let subscribed = false;
  let onSubscribed: () => void = () => {};
  const firstSubscription = new Promise<void>((resolve) => {
    onSubscribed = resolve;
  });
  let suspended = false;
  const live = () => subscribed && !suspended;
  // Counts invalidations, so a read that raced with one does not store what it read.
  let epoch = 0;
  const forget = () => {
    subscribed = false;
    epoch += 1;
    local.clear();
  };
  // Messages are "<instance>|<key>": an instance keeps what it wrote itself and drops what others wrote.
  const self = randomUUID();
  subscriber.on('message', (_channel: string, message: string) => {
    const bar = message.indexOf('|');
    if (message.slice(0, bar) === self) return;
    epoch += 1;
    local.delete(message.slice(bar + 1));
  });
  subscriber.on('ready', () => {
    subscriber.subscribe(options.channel).then(
      () => {
        subscribed = true;
        onSubscribed();
      },
      (err: unknown) => options.onError?.(err),
    );
  });
  subscriber.on('close', forget);
  subscriber.on('error', (err: unknown) => options.onError?.(err));

  const invalidate = async (keys: string[]) => {
    const near = keys.filter(held);
    if (near.length === 0) return;
    epoch += near.length;
    // A failed publish marks Redis sick (the shared tier's breaker suspends every near tier meanwhile).
    await Promise.all(near.map((key) => redis.publish(options.channel, `${self}|${key}`).catch(options.onError)));
  };

  // get and set go through the tier; the JSON helpers are built on them, so they do too.
  const store: Pick<Cache, 'get' | 'set'> = {
    async get(key) {
      if (!held(key) || !live()) return inner.get(key);
      const hit = local.get(key);
      if (hit !== undefined) return hit;
      const started = epoch;
      const value = await inner.get(key);
      if (value !== null && live() && epoch === started) local.set(key, value);
      return value;
    },
    async set(key, value, ttlSeconds) {
      await inner.set(key, value, ttlSeconds);
      if (held(key) && live()) local.set(key, value, { ttl: Math.min(ttlMs, ttlSeconds * 1000) });
      await invalidate([key]);
    },
  };

  return {
    ...inner,
    ...store,
    ...jsonLayer(store),
    async del(...keys) {
      await inner.del(...keys);
      for (const key of keys) local.delete(key);
      await invalidate(keys);
    },
    async delPrefix(prefix) {
      await inner.delPrefix(prefix);
      if (options.keyPrefixes.some((p) => prefix.startsWith(p) || p.startsWith(prefix))) {
        epoch += 1;
        local.clear();
      }
    },
    nearSize: () => local.size,
    started: (waitMs) =>
      Promise.race([firstSubscription, new Promise<void>((resolve) => setTimeout(resolve, waitMs).unref())]),
    suspend(value) {
      suspended = value;
      epoch += 1;
      local.clear();
    },
    async close() {
      forget();
      await subscriber.quit().catch(() => subscriber.disconnect());
      await inner.close();
    },
  };
}
