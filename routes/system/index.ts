// /system/health: seed 003's health body plus the state of the database and the cache.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { checkDependencies } from '../../services/health.ts';

const Health = Type.Object({
  status: Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy')]),
  timestamp: Type.String({ format: 'date-time' }),
  version: Type.String({ examples: ['1.0.0'] }),
  checks: Type.Object({
    database: Type.String({ examples: ['up'] }),
    cache: Type.String({ examples: ['up (redis)'] }),
  }),
  uptime_seconds: Type.Number(),
});

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      config: { rateLimit: false },
      schema: { tags: ['system'], summary: 'API health', response: { 200: Health, 503: Health } },
    },
    async (request, reply) => {
      const checks = await checkDependencies(request.em, app.cache, Boolean(app.config.REDIS_URL));
      const healthy = checks.database === 'up' && !checks.cache.startsWith('down');
      return reply.code(healthy ? 200 : 503).send({
        status: healthy ? 'healthy' : 'unhealthy',
        timestamp: new Date().toISOString(),
        version: app.config.APP_VERSION,
        checks,
        uptime_seconds: Math.round(process.uptime()),
      });
    },
  );
};

export default routes;
