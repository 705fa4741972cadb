// Analytics ingest on PostgreSQL: POST /analytics/events with batches of 50 at 32 connections (events/s
// answered 202, i.e. committed) against a bare multi-row INSERT of the same rows into the same table from a
// plain `pg` pool of the same size, in the same run (target ratio ≥ 0.5), and the app's p99. The app and
// the baseline run pinned to core 0, the load generator to core 1. Creates and drops cinemate_bench_an.
// Usage: DATABASE_URL=postgres://... node bench/analytics-ingest.ts [seconds=10]   (REDIS_URL optional)
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { buildApp } from '../app.ts';
import { pinSelf, pinning, report } from './lib.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = 32;
const BATCH = 50;
const USERS = 32;
if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL is required (a PostgreSQL server; the bench creates and drops cinemate_bench_an).');
  process.exit(1);
}
const adminUrl = process.env.DATABASE_URL;
const benchUrl = new URL(adminUrl);
benchUrl.pathname = '/cinemate_bench_an';

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** The bare baseline: CONNECTIONS loops each inserting BATCH rows per statement, for SECONDS. */
async function bareInserts(users: Array<{ id: string; profile: string }>) {
  const pool = new pg.Pool({ connectionString: benchUrl.toString(), max: CONNECTIONS });
  const deadline = Date.now() + SECONDS * 1000;
  let events = 0;
  const cols =
    'occurred_at, user_id, profile_id, event_type, content_id, device_type, watched_seconds, event_id, metadata';
  const placeholders = Array.from(
    { length: BATCH },
    (_, r) => `(${Array.from({ length: 9 }, (_, c) => `$${r * 9 + c + 1}`).join(', ')})`,
  ).join(', ');
  const sql = `insert into analytics_events (${cols}) values ${placeholders}`;
  const types = ['video_play', 'video_progress', 'video_pause', 'video_complete'];
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < deadline) {
        const u = users[Math.floor(Math.random() * users.length)]!;
        const now = new Date();
        const values: unknown[] = [];
        for (let i = 0; i < BATCH; i++) {
          const metadata = { device_type: 'web', quality: '1080p', position: i * 30, watched_seconds: 30 };
          values.push(
            now,
            u.id,
            u.profile,
            types[i % 4],
            `m${100 + (i % 40)}`,
            'web',
            30,
            crypto.randomUUID(),
            metadata,
          );
        }
        await pool.query(sql, values);
        events += BATCH;
      }
    }),
  );
  await pool.end();
  return events / SECONDS;
}

await admin('drop database if exists cinemate_bench_an with (force)');
await admin('create database cinemate_bench_an');
pinSelf();
const scratch = mkdtempSync(path.join(tmpdir(), 'cinemate-bench-'));
const app = await buildApp({
  env: {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: benchUrl.toString(),
    DB_POOL_MAX: String(CONNECTIONS),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: 'bench-an:' } : {}),
    RATE_LIMIT_GENERAL_MAX: '1000000',
    RATE_LIMIT_AUTH_MAX: '100000',
    RATE_LIMIT_ANALYTICS_MAX: '1000000',
    LOGIN_BLOCK_THRESHOLD: '10000',
    JOBS_INLINE: 'false',
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
  },
});
try {
  await app.ready();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const users: Array<{ id: string; token: string; profile: string }> = [];
  for (let i = 0; i < USERS; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { name: `Bench ${i}`, email: `bench${i}@example.com`, password: 'PASS1234', genres: [] },
    });
    const { user, auth_token } = res.json().data;
    const profiles = await app.inject({
      method: 'GET',
      url: '/api/v1/profiles',
      headers: { authorization: `Bearer ${auth_token}` },
    });
    users.push({ id: user.id, token: auth_token, profile: profiles.json().data.profiles[0].id });
  }
  const usersFile = path.join(scratch, 'users.json');
  writeFileSync(usersFile, JSON.stringify(users));

  const baseline = await bareInserts(users);
  console.log(
    `bare multi-row INSERT, ${BATCH} rows a statement, ${CONNECTIONS} connections: ${baseline.toFixed(0)} events/s`,
  );

  const client = new URL('./analytics-load-client.ts', import.meta.url).pathname;
  const pin = pinning ? ['taskset', '-c', '1'] : [];
  for (const ids of [false, true]) {
    const spec = JSON.stringify({
      url: base,
      connections: CONNECTIONS,
      duration: SECONDS,
      usersFile,
      batch: BATCH,
      ids,
    });
    const [cmd, ...args] = [...pin, process.execPath, client, spec];
    const { stdout } = await promisify(execFile)(cmd!, args, { maxBuffer: 1 << 20 });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as {
      rps: number;
      p99: number;
      p50: number;
      non2xx: number;
      ok: number;
    };
    const appEvents = (r.ok * BATCH) / SECONDS;
    const label = ids ? 'with client event ids (stored once)' : 'without event ids';
    console.log(
      `POST /analytics/events ${label}, batches of ${BATCH}, ${CONNECTIONS} connections: ${r.rps.toFixed(0)} req/s = ` +
        `${appEvents.toFixed(0)} events/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}` +
        `${process.env.REDIS_URL ? ', rate-limit counters in Redis' : ', rate-limit counters in process'}`,
    );
    const ratio = appEvents / baseline;
    report({
      what: `analytics ingest ${label}, batches of ${BATCH}, ${CONNECTIONS} connections (events/s committed; app p99 ${r.p99} ms)`,
      app: `${appEvents.toFixed(0)} events/s`,
      baseline: `${baseline.toFixed(0)} events/s (bare pg multi-row INSERT)`,
      ratio,
      target: '≥ 0.5',
      met: ratio >= 0.5,
    });
  }
} finally {
  // Requests still in flight when the load generator stops finish before the pool closes.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await app.close();
  await admin('drop database if exists cinemate_bench_an with (force)');
  rmSync(scratch, { recursive: true, force: true });
}
