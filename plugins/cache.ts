// The cache: Redis through @fastify/redis when REDIS_URL is set, the in-process LRU otherwise.
// Redis calls time out fast and never queue while disconnected, so a frozen Redis never hangs a request;
// while Redis is down the cache serves in degraded mode (services/cache/redis.ts).
import fp from 'fastify-plugin';
import fastifyRedis from '@fastify/redis';
import type { Cache } from '../services/cache/types.ts';
import { createMemoryCache } from '../services/cache/memory.ts';
import { createRedisCache } from '../services/cache/redis.ts';

declare module 'fastify' {
  interface FastifyInstance {
    cache: Cache;
  }
}

export default fp(
  async (app) => {
    const { config } = app;
    if (!config.REDIS_URL) {
      const cache = createMemoryCache();
      app.decorate('cache', cache);
      app.addHook('onClose', () => cache.close());
      return;
    }
    await app.register(fastifyRedis, {
      url: config.REDIS_URL,
      commandTimeout: config.REDIS_TIMEOUT_MS,
      connectTimeout: 2000,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: false,
      closeClient: true,
    });
    await app.redis.ping();
    const cache: Cache = createRedisCache(app.redis, config.REDIS_KEY_PREFIX, {
      onDegraded(down, err) {
        if (down) app.log.warn({ err }, 'redis unavailable: serving without it (degraded mode)');
        else {
          app.log.info('redis available again');
          // Session states cached before the outage may predate a sign-out that could not be written
          // through meanwhile: drop them so the next check reads the database.
          cache.delPrefix('sess:').catch(() => {});
        }
      },
    });
    app.decorate('cache', cache);
  },
  { name: 'cache', dependencies: ['config'] },
);
