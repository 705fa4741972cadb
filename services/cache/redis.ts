// Redis-backed cache: the production store behind the same small interface as the in-process one.
// Degraded mode: while Redis is unreachable, reads miss (callers fall back to the database), writes and
// deletes are skipped, and counters (failed logins) move to a per-instance in-process store, so an outage
// slows the API down instead of failing it. A command is not even tried while the client is not connected,
// nor for a second after one failed: a frozen Redis (connected, answering nothing) costs one request one
// REDIS_TIMEOUT_MS per second, not every call of every request.
import { ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import type { Redis } from 'ioredis';
import type { Cache } from './types.ts';
import { jsonLayer } from './json.ts';
import { createMemoryCache } from './memory.ts';

export interface RedisCacheOptions {
  /** Told once per outage, and once on recovery. */
  onDegraded?: (down: boolean, err?: unknown) => void;
  /** How long calls skip Redis after a failure before one call tries it again (ms). */
  retryAfterMs?: number;
}

export function createRedisCache(redis: Redis, prefix: string, options: RedisCacheOptions = {}): Cache {
  const k = (key: string) => prefix + key;
  const local = createMemoryCache({ maxEntries: 10_000 });
  let degraded = false;
  const mark = (down: boolean, err?: unknown) => {
    if (down === degraded) return;
    degraded = down;
    options.onDegraded?.(down, err);
  };
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.retryAfterMs ?? 1000,
    breaker: new ConsecutiveBreaker(1),
  });
  // Runs fn against Redis, or returns fallback() when Redis is down, the breaker is open or the call fails.
  const guarded = async <T>(fn: () => Promise<T>, fallback: () => T | Promise<T>): Promise<T> => {
    if (redis.status !== 'ready') {
      mark(true);
      return fallback();
    }
    try {
      const value = await breaker.execute(fn);
      mark(false);
      return value;
    } catch (err) {
      mark(true, err);
      return fallback();
    }
  };
  const store = {
    get: (key: string) =>
      guarded(
        () => redis.get(k(key)),
        () => null,
      ),
    set: (key: string, value: string, ttlSeconds: number) =>
      guarded(
        async () => {
          await redis.set(k(key), value, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
        },
        () => undefined,
      ),
  };
  return {
    ...store,
    ...jsonLayer(store),
    del: (...keys: string[]) =>
      guarded(
        async () => {
          if (keys.length > 0) await redis.del(...keys.map(k));
        },
        () => local.del(...keys),
      ),
    delPrefix: (keyPrefix: string) =>
      guarded(
        async () => {
          let cursor = '0';
          do {
            const [next, found] = await redis.scan(cursor, 'MATCH', `${k(keyPrefix)}*`, 'COUNT', 500);
            cursor = next;
            if (found.length > 0) await redis.unlink(...found);
          } while (cursor !== '0');
        },
        () => local.delPrefix(keyPrefix),
      ),
    incr: (key: string, ttlSeconds: number, by = 1) =>
      guarded(
        async () => {
          const [[, value]] = (await redis
            .multi()
            .incrby(k(key), by)
            .expire(k(key), Math.ceil(ttlSeconds), 'NX')
            .exec()) as [[null, number]];
          return value;
        },
        () => local.incr(key, ttlSeconds, by),
      ),
    async ping() {
      // Not guarded: readiness must see the outage that every other call hides.
      await redis.ping();
    },
    async close() {
      await local.close();
    },
  };
}
