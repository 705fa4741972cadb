// Builds the real app for a test: PGlite in memory by default; a fresh PostgreSQL database per app and a
// private Redis key prefix when DATABASE_URL / REDIS_URL are set, so test files never share state.
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import { buildApp } from '../../app.ts';
import type { Clock } from '../../services/clock.ts';

export interface TestContext {
  teardown(fn: () => unknown): void;
}

export async function freshDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `cinemate_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export const usingPostgres = Boolean(process.env.DATABASE_URL);
export const usingRedis = Boolean(process.env.REDIS_URL);

/** Test defaults: quiet logs and limits high enough that only the rate-limit tests meet them. */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  DATA_DIR: 'memory://',
  LOG_LEVEL: 'silent',
  RATE_LIMIT_AUTH_MAX: '10000',
  RATE_LIMIT_GENERAL_MAX: '100000',
  RATE_LIMIT_SEARCH_MAX: '100000',
  RATE_LIMIT_CONTENT_MAX: '100000',
  RATE_LIMIT_STREAMING_MAX: '100000',
  RATE_LIMIT_ANALYTICS_MAX: '100000',
  LOGIN_BLOCK_THRESHOLD: '10000',
  // Tests run jobs explicitly with app.jobs.runner.tick().
  JOBS_INLINE: 'false',
  // A loaded test machine stalls the event loop (PGlite) at random; the overload tests set their own.
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
};

export async function buildTestApp(
  t: TestContext,
  env: Record<string, string | undefined> = {},
  options: {
    logStream?: DestinationStream;
    /** Registers extra routes before the app is ready (a test of a plugin's route options). */
    extend?: (app: FastifyInstance) => Promise<void>;
    /** The time the rules read (test/helpers/clock.ts gives one a test can advance). */
    clock?: Clock;
  } = {},
): Promise<FastifyInstance> {
  const merged: Record<string, string | undefined> = { ...TEST_ENV, ...env };
  let drop: (() => Promise<void>) | undefined;
  if (process.env.DATABASE_URL && !('DATABASE_URL' in env)) {
    const db = await freshDatabase(process.env.DATABASE_URL);
    merged.DATABASE_URL = db.url;
    drop = db.drop;
  }
  if (process.env.REDIS_URL && !('REDIS_URL' in env)) {
    merged.REDIS_URL = process.env.REDIS_URL;
    merged.REDIS_KEY_PREFIX = `t:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  }
  const app = await buildApp({ env: merged, logStream: options.logStream, clock: options.clock });
  t.teardown(async () => {
    await app.close();
    await drop?.();
  });
  await options.extend?.(app);
  await app.ready();
  return app;
}
