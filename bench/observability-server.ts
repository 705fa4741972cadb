// One side of bench/observability-overhead.ts, run as its own process (tracing is process-wide and must
// start before the app loads: the parent starts this file with or without the tracing preload). Builds
// the app, signs a viewer in, prints `READY {base, headers}` and serves until it is terminated.
import { startBenchApp } from './app.ts';
import { signIn } from './lib.ts';

const { app, base } = await startBenchApp({
  METRICS_ENABLED: process.env.METRICS_ENABLED ?? 'true',
  METRICS_TOKEN: 'bench-metrics-token-0123456789',
});

const headers = await signIn(base);
console.log(`READY ${JSON.stringify({ base, headers })}`);
process.once('SIGTERM', () => {
  app.close().finally(() => process.exit(0));
});
