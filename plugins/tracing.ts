// With tracing on, every log line of a request (the "request completed" line included) carries the
// request's trace_id, so a log line leads to its trace. The spans themselves come from the SDK that
// services/tracing/preload.ts starts; with tracing off this plugin adds nothing.
import fp from 'fastify-plugin';
import { activeTraceId, tracingStarted } from '../services/tracing/context.ts';

export default fp(
  async (app) => {
    if (!tracingStarted()) return;
    app.addHook('onRequest', async (request, reply) => {
      // @fastify/otel's own onRequest hook ran first and made the request span the active one.
      const traceId = activeTraceId();
      if (!traceId) return;
      request.log = request.log.child({ trace_id: traceId });
      // Fastify writes "request completed" through the reply's logger, a separate reference.
      reply.log = request.log;
    });
  },
  { name: 'tracing', dependencies: ['config'] },
);
