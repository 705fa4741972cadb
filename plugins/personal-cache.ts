// Keeps the personal tier (services/cache/personal.ts) honest: every write a signed-in caller makes
// bumps its account's version before the answer goes out, here and, through Redis pub/sub when
// configured, on every other instance.
import fp from 'fastify-plugin';
import { personalTier, readOnlyRequests } from '../services/cache/personal.ts';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export default fp(
  async (app) => {
    const tier = personalTier(app.cache);
    let publish: (userId: string) => void = () => {};
    if (app.config.REDIS_URL) {
      const channel = `${app.config.REDIS_KEY_PREFIX}personal`;
      // The subscriber queues its SUBSCRIBE until connected (and ioredis repeats it after a reconnect);
      // messages missed while disconnected are unknown, so a reconnect forgets every personal entry.
      const subscriber = app.redis.duplicate({ enableOfflineQueue: true });
      subscriber.subscribe(channel).catch((err: unknown) => app.log.warn({ err }, 'invalidation subscribe failed'));
      subscriber.on('message', (_channel: string, userId: string) => tier.bump(userId));
      subscriber.on('error', (err: Error) =>
        app.log.debug({ err: { message: err.message } }, 'invalidation subscriber'),
      );
      let connectedOnce = false;
      subscriber.on('ready', () => {
        if (connectedOnce) tier.clear();
        connectedOnce = true;
      });
      app.addHook('onClose', async () => {
        await subscriber.quit().catch(() => subscriber.disconnect());
      });
      publish = (userId) => {
        app.redis
          .publish(channel, userId)
          .catch((err: unknown) => app.log.warn({ err }, 'invalidation publish failed'));
      };
    }
    app.addHook('onSend', async (request) => {
      if (!request.auth || READS.has(request.method) || readOnlyRequests.has(request)) return;
      tier.bump(request.auth.userId);
      publish(request.auth.userId);
    });
  },
  { name: 'personal-cache', dependencies: ['config', 'cache', 'auth'] },
);
