// The cache: Redis through @fastify/redis when REDIS_URL is set, the in-process LRU otherwise.
// Redis calls time out fast and never queue while disconnected, so a frozen Redis never hangs a request;
// while Redis is down the cache serves in degraded mode (services/cache/redis.ts). Session states also sit
// in a near tier (services/cache/near.ts) kept exact across instances by an invalidation channel.
import fp from 'fastify-plugin';
import fastifyRedis from '@fastify/redis';
import type { Cache } from '../services/cache/types.ts';
import { createMemoryCache } from '../services/cache/memory.ts';
import { withNearTier } from '../services/cache/near.ts';
import { createRedisCache } from '../services/cache/redis.ts';
import { configureHotTier } from '../services/catalog/cache.ts';

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
      configureHotTier(cache, config.CATALOG_HOT_TIER_MS);
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
    // @fastify/redis drops its error listener once connected; without one ioredis prints every reconnect
    // error to stderr. The outage itself is logged once by the degraded-mode handler below.
    app.redis.on('error', (err: Error) => app.log.debug({ err: { message: err.message } }, 'redis connection error'));
    const shared: Cache = createRedisCache(app.redis, config.REDIS_KEY_PREFIX, {
      onDegraded(down, err) {
        cache.suspend(down);
        if (down) app.log.warn({ err }, 'redis unavailable: serving without it (degraded mode)');
        else {
          app.log.info('redis available again');
          // Session states cached before the outage may predate a sign-out that could not be written
          // through meanwhile: drop them so the next check reads the database.
          cache.delPrefix('sess:').catch(() => {});
        }
      },
    });
    // Session states are read on every signed-in request: a near tier answers them without a round trip.
    const cache = withNearTier(app.redis, shared, {
      keyPrefixes: ['sess:'],
      channel: `${config.REDIS_KEY_PREFIX}near`,
      onError: (err) => app.log.warn({ err }, 'near-cache invalidation channel failed'),
    });
    await cache.started(2000);
    configureHotTier(cache, config.CATALOG_HOT_TIER_MS);
    app.decorate('cache', cache);
    app.addHook('onClose', () => cache.close());
  },
  { name: 'cache', dependencies: ['config'] },
);
