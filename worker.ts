// Starts the background job worker: builds the app (plugins and services, no HTTP listener) and runs the
// job runner until SIGTERM/SIGINT, finishing the jobs in hand first. With WORKER_METRICS_PORT and
// METRICS_TOKEN set it also serves its own /metrics (job runs, durations, queue depth, process figures).
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.ts';
import { startMetricsServer } from './services/metrics/server.ts';

const app = await buildApp({ env: { ...process.env, JOBS_INLINE: 'false' } });
await app.ready();
app.jobs.runner.start();
app.log.info('worker started');

const { WORKER_METRICS_PORT: metricsPort, METRICS_TOKEN: token, HOST: host } = app.config;
let metricsServer: { close(): Promise<void> } | undefined;
if (metricsPort > 0 && token) {
  metricsServer = await startMetricsServer({
    host,
    port: metricsPort,
    token,
    contentType: app.metrics.contentType,
    render: () => app.metrics.render(),
  });
  app.log.info({ port: metricsPort }, 'worker metrics at /metrics');
} else if (metricsPort > 0) app.log.warn('WORKER_METRICS_PORT is set but METRICS_TOKEN is not: no worker metrics');

closeWithGrace({ delay: 30_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'worker stopping after an error');
  else app.log.info({ signal }, 'worker stopping');
  await metricsServer?.close();
  await app.close();
});
