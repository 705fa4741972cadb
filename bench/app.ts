// The app as a bench runs it: on the embedded default unless DATABASE_URL / REDIS_URL are set, with rate
// limits that never refuse, no background jobs in the process and no load shedding (a slow start-up
// sample would turn the warm-up into 503s), listening on a free port of 127.0.0.1.
import type { AddressInfo } from 'node:net';
import { buildApp } from '../app.ts';

export const BENCH_ENV: Record<string, string | undefined> = {
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  DATA_DIR: 'memory://',
  DATABASE_URL: process.env.DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL,
  REDIS_KEY_PREFIX: `bench:${process.pid}:`,
  RATE_LIMIT_GENERAL_MAX: '1000000',
  RATE_LIMIT_CONTENT_MAX: '1000000',
  RATE_LIMIT_STREAMING_MAX: '1000000',
  RATE_LIMIT_ANALYTICS_MAX: '1000000',
  RATE_LIMIT_SEARCH_MAX: '100000',
  RATE_LIMIT_AUTH_MAX: '100000',
  GRAPHQL_COST_BUDGET: '1000000000',
  JOBS_INLINE: 'false',
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
};

export async function startBenchApp(env: Record<string, string | undefined> = {}) {
  const app = await buildApp({ env: { ...BENCH_ENV, ...env } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}
