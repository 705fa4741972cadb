// Analytics ingest on PostgreSQL: POST /analytics/events with batches of 50 at 32 connections (events/s
// answered 202, i.e. committed) against a bare multi-row INSERT of the same rows into the same table from a
// plain `pg` pool of the same size, in the same run (target ratio ≥ 0.5), and the app's p99; runs interleaved,
// medians reported, with the CPU this process spends per batch on each side. The app and the baseline run
// pinned to core 0, the load generator to core 1. Creates and drops cinemate_bench_an.
// Usage: DATABASE_URL=postgres://... node bench/analytics-ingest.ts [seconds=10] [runs=3]   (REDIS_URL optional)
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { startBenchApp } from './app.ts';
import { type BenchUser, median, pinSelf, pinning, ownDatabase, report, signUp } from './lib.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const RUNS = Number(process.argv[3] ?? 3);
const CONNECTIONS = 32;
const BATCH = 50;
const USERS = 32;
if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL is required (a PostgreSQL server; the bench creates and drops cinemate_bench_an).');
  process.exit(1);
}

/** This process's CPU seconds so far (user + system): the baseline's pg client, or the app serving. */
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** The bare baseline: CONNECTIONS loops each inserting BATCH rows per statement, for SECONDS. */
async function bareInserts(url: string, users: BenchUser[]) {
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS });
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

const db = await ownDatabase(process.env.DATABASE_URL, 'cinemate_bench_an');
pinSelf();
const scratch = mkdtempSync(path.join(tmpdir(), 'cinemate-bench-'));
const { app, base } = await startBenchApp({ DATABASE_URL: db.url, DB_POOL_MAX: String(CONNECTIONS) });
const counters = process.env.REDIS_URL ? 'rate-limit counters in Redis' : 'rate-limit counters in process';
try {
  const users: BenchUser[] = [];
  for (let i = 0; i < USERS; i++) users.push(await signUp(base));
  const usersFile = path.join(scratch, 'users.json');
  writeFileSync(usersFile, JSON.stringify(users));
  const client = new URL('./analytics-load-client.ts', import.meta.url).pathname;
  const pin = pinning ? ['taskset', '-c', '1'] : [];
  const sides = { bare: [] as number[], plain: [] as number[], ids: [] as number[] };
  const ratios = { plain: [] as number[], ids: [] as number[] };
  const p99 = { plain: [] as number[], ids: [] as number[] };
  const cpuPerBatch = { bare: [] as number[], plain: [] as number[], ids: [] as number[] };
  // Interleaved runs, each with its own baseline, so that a change in the machine's load hits every side.
  for (let run = 1; run <= RUNS; run++) {
    let started = cpu();
    const baseline = await bareInserts(db.url, users);
    cpuPerBatch.bare.push(((cpu() - started) / (baseline * SECONDS)) * BATCH);
    sides.bare.push(baseline);
    const line = [`run ${run}: bare multi-row INSERT ${baseline.toFixed(0)} events/s`];
    for (const side of ['plain', 'ids'] as const) {
      const spec = JSON.stringify({
        url: base,
        connections: CONNECTIONS,
        duration: SECONDS,
        usersFile,
        batch: BATCH,
        ids: side === 'ids',
      });
      const [cmd, ...args] = [...pin, process.execPath, client, spec];
      started = cpu();
      const { stdout } = await promisify(execFile)(cmd!, args, { maxBuffer: 1 << 20 });
      const r = JSON.parse(stdout.trim().split('\n').pop()!) as { p99: number; non2xx: number; ok: number };
      if (r.non2xx > 0) throw new Error(`${side}: ${r.non2xx} answers were not 202`);
      const events = (r.ok * BATCH) / SECONDS;
      cpuPerBatch[side].push((cpu() - started) / r.ok);
      sides[side].push(events);
      ratios[side].push(events / baseline);
      p99[side].push(r.p99);
      line.push(`${side === 'ids' ? 'with event ids' : 'without ids'} ${events.toFixed(0)} events/s (p99 ${r.p99} ms)`);
    }
    console.log(line.join(', '));
  }
  const ms = (xs: number[]) => `${(median(xs) * 1000).toFixed(2)} ms`;
  console.log(
    `CPU of this process per batch of ${BATCH} (median): bare pg client ${ms(cpuPerBatch.bare)}, app without ids ` +
      `${ms(cpuPerBatch.plain)}, app with ids ${ms(cpuPerBatch.ids)} (${counters})`,
  );
  for (const side of ['plain', 'ids'] as const) {
    const label = side === 'ids' ? 'with client event ids (stored once)' : 'without event ids';
    const ratio = median(ratios[side]);
    report({
      what: `analytics ingest ${label}, batches of ${BATCH}, ${CONNECTIONS} connections (events/s committed; app p99 ${median(p99[side])} ms)`,
      app: `${median(sides[side]).toFixed(0)} events/s`,
      baseline: `${median(sides.bare).toFixed(0)} events/s (bare pg multi-row INSERT)`,
      ratio,
      target: '≥ 0.5',
      met: ratio >= 0.5,
    });
  }
} finally {
  // Requests still in flight when the load generator stops finish before the pool closes.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await app.close();
  await db.drop();
  rmSync(scratch, { recursive: true, force: true });
}
