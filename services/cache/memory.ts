// In-process cache: the embedded default when REDIS_URL is unset. A bounded LRU (lru-cache) with per-key
// expiry; the clock is injectable so tests can move time.
import { LRUCache } from 'lru-cache';
import type { Cache } from './types.ts';
import { jsonLayer } from './json.ts';

export interface MemoryCacheOptions {
  maxEntries?: number;
  now?: () => number;
}

export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const now = options.now ?? Date.now;
  // ttl: 0 would mean "never expires"; every write passes its own ttl in ms (at least 1).
  const entries = new LRUCache<string, string>({
    max: options.maxEntries ?? 50_000,
    ttlAutopurge: false,
    // Read the clock on every check (no cached time), so a test that moves it sees expiry at once.
    ttlResolution: 0,
    perf: { now },
  });
  const ttl = (seconds: number) => Math.max(1, Math.round(seconds * 1000));

  const store = {
    async get(key: string) {
      return entries.get(key) ?? null;
    },
    async set(key: string, value: string, ttlSeconds: number) {
      entries.set(key, value, { ttl: ttl(ttlSeconds) });
    },
  };

  return {
    ...store,
    ...jsonLayer(store),
    async del(...keys: string[]) {
      for (const key of keys) entries.delete(key);
    },
    async delPrefix(prefix: string) {
      for (const key of [...entries.keys()]) if (key.startsWith(prefix)) entries.delete(key);
    },
    async incr(key: string, ttlSeconds: number, by = 1) {
      const current = entries.get(key);
      const next = (current === undefined ? 0 : Number(current)) + by;
      // A counter keeps the expiry it was created with (as Redis INCR does).
      if (current === undefined) entries.set(key, String(next), { ttl: ttl(ttlSeconds) });
      else entries.set(key, String(next), { noUpdateTTL: true });
      return next;
    },
    async ping() {},
    async close() {
      entries.clear();
    },
  };
}
