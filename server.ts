// Starts the API: listens on HOST:PORT and, on SIGTERM/SIGINT, stops accepting, drains in-flight requests
// (answering 503 to new ones meanwhile) and closes the database and Redis. The slow-client timeouts
// (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS) are options of the HTTP
// server that app.ts creates, so every listener, the tests' included, has them. With WEB_CONCURRENCY other than 1
// this process is a node:cluster primary instead (services/cluster.ts) and the forked processes serve.
import cluster from 'node:cluster';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.ts';
import { processCount, runPrimary } from './services/cluster.ts';
import { type Config, ConfigError, loadConfig } from './services/config.ts';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const processes = processCount(config.WEB_CONCURRENCY);
if (processes > 1 && cluster.isPrimary) {
  // WEB_CONCURRENCY: this process only supervises; the forked ones run the lines below.
  runPrimary({ processes, log: (msg) => console.error(`[cluster] ${msg}`) });
} else {
  await serve(config);
}

async function serve(config: Config) {
  const app = await buildApp({ config });

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });

  await app.listen({ host: config.HOST, port: config.PORT });
  app.log.info(`API docs at ${config.PUBLIC_BASE_URL}/api/docs`);
}
