// The cache: Redis through @fastify/redis when REDIS_URL is set, the in-process LRU otherwise.
// Redis calls time out fast and never queue while disconnected, so a frozen Redis never hangs a request.
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
      enableOfflineQueue: true,
      lazyConnect: false,
      closeClient: true,
    });
    await app.redis.ping();
    app.decorate('cache', createRedisCache(app.redis, config.REDIS_KEY_PREFIX));
  },
  { name: 'cache', dependencies: ['config'] },
);
