// Monitoring: every request's latency by route template and status class. Prometheus text at /metrics
// (only with `Authorization: Bearer <METRICS_TOKEN>`, and not at all when METRICS_TOKEN is unset) and a JSON
// summary for admins at /api/v1/admin/metrics.
import { timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import { Type } from '@sinclair/typebox';
import { createMetrics, type MetricsRegistry } from '../services/metrics/registry.ts';
import { bearer, envelope, errors } from '../schemas/common.ts';
import { AppError } from '../services/errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: MetricsRegistry;
  }
}

const Summary = envelope(
  Type.Object({
    requests: Type.Integer(),
    errors5xx: Type.Integer(),
    routes: Type.Array(Type.Object({ route: Type.String(), count: Type.Integer(), mean_ms: Type.Number() })),
  }),
);

export default fp(
  async (app) => {
    const metrics = createMetrics();
    app.decorate('metrics', metrics);
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    });

    const token = app.config.METRICS_TOKEN;
    if (token) {
      app.get(
        '/metrics',
        { config: { rateLimit: false, overload: 'exempt' }, schema: { hide: true } },
        async (request, reply) => {
          const given = Buffer.from(request.headers.authorization ?? '');
          const expected = Buffer.from(`Bearer ${token}`);
          if (given.length !== expected.length || !timingSafeEqual(given, expected))
            throw new AppError('UNAUTHORIZED', 'Metrics need the metrics token');
          return reply.type('text/plain; version=0.0.4').send(metrics.render());
        },
      );
    }

    app.get(
      '/api/v1/admin/metrics',
      {
        onRequest: app.requireRole('admin'),
        schema: {
          tags: ['admin'],
          summary: 'Request counts and mean latency per route (this instance)',
          security: bearer,
          response: { 200: Summary, ...errors(401, 403) },
        },
      },
      async () => ({ success: true as const, data: metrics.snapshot() }),
    );
  },
  { name: 'metrics', dependencies: ['config', 'auth'] },
);
