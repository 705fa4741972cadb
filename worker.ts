// Starts the background job worker: builds the app (plugins and services, no HTTP listener) and runs the
// job runner until SIGTERM/SIGINT, finishing the jobs in hand first.
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.ts';

const app = await buildApp({ env: { ...process.env, JOBS_INLINE: 'false' } });
await app.ready();
app.jobs.runner.start();
app.log.info('worker started');

closeWithGrace({ delay: 30_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'worker stopping after an error');
  else app.log.info({ signal }, 'worker stopping');
  await app.close();
});
