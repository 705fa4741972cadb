// Redis-backed cache: the production store behind the same small interface as the in-process one.
import type { Redis } from 'ioredis';
import type { Cache } from './types.ts';
import { jsonLayer } from './json.ts';

export function createRedisCache(redis: Redis, prefix: string): Cache {
  const k = (key: string) => prefix + key;
  const store = {
    get: (key: string) => redis.get(k(key)),
    async set(key: string, value: string, ttlSeconds: number) {
      await redis.set(k(key), value, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
    },
  };
  return {
    ...store,
    ...jsonLayer(store),
    async del(...keys: string[]) {
      if (keys.length > 0) await redis.del(...keys.map(k));
    },
    async delPrefix(keyPrefix: string) {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${k(keyPrefix)}*`, 'COUNT', 500);
        cursor = next;
        if (found.length > 0) await redis.unlink(...found);
      } while (cursor !== '0');
    },
    async incr(key: string, ttlSeconds: number) {
      const [[, value]] = (await redis.multi().incr(k(key)).expire(k(key), Math.ceil(ttlSeconds), 'NX').exec()) as [
        [null, number],
      ];
      return value;
    },
    async close() {},
  };
}
