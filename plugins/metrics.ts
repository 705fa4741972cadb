// Monitoring: every request's latency by route template and status class, plus the process-wide series
// (services/metrics/registry.ts) and this instance's gauges. Prometheus text at /metrics (only with
// `Authorization: Bearer <METRICS_TOKEN>`, and not at all when METRICS_TOKEN is unset) and a JSON summary
// for admins at /api/v1/admin/metrics.
import fp from 'fastify-plugin';
import { Type } from '@sinclair/typebox';
import { createMetrics, type MetricsRegistry } from '../services/metrics/registry.ts';
import { registerAppGauges, type PoolStats } from '../services/metrics/app-gauges.ts';
import { tokenMatches } from '../services/metrics/server.ts';
import { STALE_SECONDS } from '../services/playback/sessions.ts';
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
    const enabled = app.config.METRICS_ENABLED === 'true';
    if (enabled)
      app.addHook('onResponse', async (request, reply) => {
        // The route template, never the raw URL: ids in paths would make a series per title.
        const route = request.routeOptions.url ?? 'unmatched';
        metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      });

    // The parts these gauges read are plugins that may load after this one: wire them once all are in.
    app.addHook('onReady', async () => {
      // The pg pool (absent on the embedded database), resolved once so a scrape reads it synchronously.
      const pool = app.config.DATABASE_URL
        ? await (app.orm.em.getConnection() as unknown as { getNativeClient(): Promise<PoolStats> }).getNativeClient()
        : undefined;
      registerAppGauges(metrics, {
        em: () => app.em(),
        clock: app.clock,
        jobNames: app.jobs.names,
        playbackStaleSeconds: STALE_SECONDS,
        webSockets: app.hasDecorator('realtime') ? () => app.realtime.gateway.connections() : undefined,
        pool: pool ? () => pool : undefined,
        poolMax: app.config.DB_POOL_MAX,
        breaker: app.tmdb ? () => app.tmdb?.stats().breakerState ?? 'closed' : undefined,
      });
    });

    const token = app.config.METRICS_TOKEN;
    if (token && enabled) {
      app.get(
        '/metrics',
        { config: { rateLimit: false, overload: 'exempt' }, schema: { hide: true } },
        async (request, reply) => {
          if (!tokenMatches(request.headers.authorization, token))
            throw new AppError('UNAUTHORIZED', 'Metrics need the metrics token');
          return reply.type(metrics.contentType).send(await metrics.render());
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
      async () => ({ success: true as const, data: await metrics.snapshot() }),
    );
  },
  { name: 'metrics', dependencies: ['config', 'auth'] },
);
