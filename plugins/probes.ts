// Liveness and readiness probes at the root (/livez, /readyz) for orchestrators; not rate limited.
import fp from 'fastify-plugin';
import { checkDependencies } from '../services/health.ts';

export default fp(
  async (app) => {
    app.get('/livez', { config: { rateLimit: false }, schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { config: { rateLimit: false }, schema: { hide: true } }, async (request, reply) => {
      const checks = await checkDependencies(request.em, app.cache, Boolean(app.config.REDIS_URL));
      const ready = checks.database === 'up' && !checks.cache.startsWith('down');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
    });
  },
  { name: 'probes', dependencies: ['db', 'cache', 'rate-limit'] },
);
