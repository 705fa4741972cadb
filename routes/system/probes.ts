// Liveness and readiness probes at the root (/livez, /readyz) for orchestrators: not rate limited, never
// shed. Liveness says the process answers; readiness says it should get traffic (database and cache up,
// not overloaded), so a load balancer routes around an instance whose dependency is down.
import type { FastifyPluginAsync } from 'fastify';
import { checkDependencies } from '../../services/health.ts';

const probe = { config: { rateLimit: false as const, overload: 'exempt' as const }, schema: { hide: true } };

const routes: FastifyPluginAsync = async (app) => {
  app.get('/livez', probe, async () => ({ status: 'ok' }));
  app.get('/readyz', probe, async (request, reply) => {
    const checks = await checkDependencies(request.em, app.cache, Boolean(app.config.REDIS_URL));
    const overloaded = app.isUnderPressure();
    const ready = checks.database === 'up' && !checks.cache.startsWith('down') && !overloaded;
    if (!ready) reply.header('retry-after', app.config.RETRY_AFTER_SECONDS);
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', checks: { ...checks, load: overloaded ? 'overloaded' : 'ok' } });
  });
};

export default routes;
