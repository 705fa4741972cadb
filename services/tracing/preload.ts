// Preloaded with `node --import ./services/tracing/preload.ts` (npm start, npm run worker, server.mjs,
// the Dockerfile). Instrumentations patch modules as they load, so the SDK must start before server.ts or
// worker.ts import Fastify, pg or ioredis: an --import module runs to completion before the entry module's
// imports are even resolved, which a start-up call inside server.ts (whose static imports load first)
// could not guarantee. With no OTEL_* exporter or endpoint set nothing is loaded: tracing costs nothing.
import { processEnv } from '../config.ts';
import { tracingWanted } from './context.ts';

// The variables may come from ./.env, read here as the configuration reads it.
if (tracingWanted(processEnv())) {
  const { startTracing } = await import('./sdk.ts');
  const entry = process.argv[1] ?? '';
  const sdk = startTracing({
    serviceName: process.env.OTEL_SERVICE_NAME || (/worker\.ts$/.test(entry) ? 'cinemate-worker' : 'cinemate'),
  });
  // Spans still buffered are flushed when the process is asked to stop.
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => {
      sdk.shutdown().catch(() => {});
    });
}
