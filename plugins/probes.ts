// Overload protection (@fastify/under-pressure): past the event-loop delay, heap or RSS thresholds of the
// config, new requests get 503 SERVICE_UNAVAILABLE with Retry-After, so a saturated instance sheds load
// instead of answering everything late. Routes marked `config: { overload: 'exempt' }` (liveness,
// readiness, metrics) still run: readiness reports the overload itself. The figures go to the metrics.
import fp from 'fastify-plugin';
import underPressure from '@fastify/under-pressure';
import { AppError } from '../services/errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'exempt': answered even while the instance sheds load. */
    overload?: 'exempt';
  }
}

export default fp(
  async (app) => {
    const { config } = app;
    const overloaded = (type: string) =>
      new AppError('SERVICE_UNAVAILABLE', 'The service is overloaded: retry shortly', {
        reason: type,
        retry_after: config.RETRY_AFTER_SECONDS,
      });
    await app.register(underPressure, {
      maxEventLoopDelay: config.OVERLOAD_MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedBytes: config.OVERLOAD_MAX_HEAP_BYTES,
      maxRssBytes: config.OVERLOAD_MAX_RSS_BYTES,
      sampleInterval: config.OVERLOAD_SAMPLE_INTERVAL_MS,
      retryAfter: config.RETRY_AFTER_SECONDS,
      // Returning a rejected promise hands the error to the one error handler (the envelope); returning
      // nothing lets the request through.
      pressureHandler: (request, reply, type) => {
        if (request.routeOptions.config.overload === 'exempt') return undefined;
        reply.header('retry-after', config.RETRY_AFTER_SECONDS);
        return Promise.reject(overloaded(type));
      },
    });
    // under-pressure samples only when a threshold is set; with all off these read 0.
    const usage = () => app.memoryUsage();
    app.metrics.gauge('overload_event_loop_delay_ms', 'Mean event-loop delay over the last sample', () =>
      Number(usage().eventLoopDelay.toFixed(3)),
    );
    app.metrics.gauge('overload_event_loop_utilization', 'Event-loop utilization (0-1)', () =>
      Number(usage().eventLoopUtilized.toFixed(4)),
    );
    app.metrics.gauge('overload_heap_used_bytes', 'Heap in use at the last sample', () => usage().heapUsed);
    app.metrics.gauge('overload_rss_bytes', 'Resident memory at the last sample', () => usage().rssBytes);
    app.metrics.gauge('overload_shedding', '1 while the instance sheds load', () => (app.isUnderPressure() ? 1 : 0));
  },
  // After the database: the migrations' event-loop stall at start-up is not an overload.
  { name: 'probes', dependencies: ['config', 'db', 'metrics', 'errors'] },
);
