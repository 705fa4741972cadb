// Progress heartbeats on PostgreSQL: PUT /streaming/:id/progress, each request a new (profile, title) pair,
// against a plain `pg` client upserting the same rows (playback_progress and watch_history) in multi-row
// statements from this process on the same core. Afterwards the rows are counted: every acknowledged
// heartbeat must be stored. Targets: ratio ≥ 0.5, ≥ 5,000 heartbeats/s, 0 lost.
// Usage: DATABASE_URL=postgres://... node bench/heartbeats.ts [seconds=10] [runs=3]   (REDIS_URL optional)
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startBenchApp } from './app.ts';
import { load, loadGenerator, luaString, median, ownDatabase, pinSelf, report, signIn } from './lib.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const RUNS = Number(process.argv[3] ?? 3);
const CONNECTIONS = 64;
const TITLES = 50_000;
const ACCOUNTS = 8;
const BATCH = 100;
const BASELINE_CLIENTS = 4;
if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL is required (a PostgreSQL server; the bench creates and drops its own database on it).');
  process.exit(1);
}
pinSelf();

const titleId = (i: number) => `oh${String(i).padStart(10, '0')}`;

/** wrk Lua: request n sends a heartbeat of account ⌊n / TITLES⌋ for title n mod TITLES, never the same pair twice. */
function heartbeatLua(viewers: Array<Record<string, string>>): string {
  const list = viewers.map((v) => `{${luaString(v.authorization!)}, ${luaString(v['x-profile-id']!)}}`).join(', ');
  return `local viewers = { ${list} }
local n = 0
request = function()
  local v = viewers[1 + math.floor(n / ${TITLES}) % #viewers]
  local path = string.format('/api/v1/streaming/oh%010d/progress', n % ${TITLES})
  n = n + 1
  return wrk.format('PUT', path, { ['authorization'] = v[1], ['x-profile-id'] = v[2],
    ['content-type'] = 'application/json' }, '{"position":1200,"duration":6000}')
end`;
}

/** Rows per second a plain client upserts, BATCH rows a statement pair, BASELINE_CLIENTS in parallel. */
async function baseline(url: string, profiles: string[], seconds: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: BASELINE_CLIENTS });
  const until = performance.now() + seconds * 1000;
  let next = 0;
  let rows = 0;
  await Promise.all(
    Array.from({ length: BASELINE_CLIENTS }, async () => {
      while (performance.now() < until) {
        const values: string[] = [];
        for (let i = 0; i < BATCH; i++, next++) {
          values.push(`('${profiles[Math.floor(next / TITLES) % profiles.length]}', '${titleId(next % TITLES)}')`);
        }
        const pairs = `(values ${values.join(',')}) as v(profile_id, title_id)`;
        const client = await pool.connect();
        try {
          await client.query('begin');
          await client.query(`insert into playback_progress (profile_id, title_id, episode_id, position, duration,
              resume_position, completed, client_time, updated_at)
            select v.profile_id::uuid, v.title_id, '', 1200, 6000, 1200, false, now(), now() from ${pairs}
            on conflict (profile_id, title_id, episode_id) do update set position = excluded.position,
              duration = excluded.duration, resume_position = excluded.resume_position, completed = excluded.completed,
              client_time = excluded.client_time, updated_at = now()
              where playback_progress.client_time <= excluded.client_time`);
          await client.query(`insert into watch_history (id, profile_id, title_id, position, duration, completed)
            select gen_random_uuid(), v.profile_id::uuid, v.title_id, 1200, 6000, false from ${pairs}
            on conflict (profile_id, title_id) do update set position = excluded.position,
              duration = excluded.duration, completed = excluded.completed, watched_at = now()`);
          await client.query('commit');
        } finally {
          client.release();
        }
        rows += BATCH;
      }
    }),
  );
  await pool.end();
  return rows / seconds;
}

const database = await ownDatabase(process.env.DATABASE_URL, 'cinemate_bench_hb');
const { app, base } = await startBenchApp({ DATABASE_URL: database.url, DB_POOL_MAX: process.env.BENCH_POOL ?? '20' });
try {
  const em = app.em();
  await em.execute(`insert into titles (id, kind, source, title, certification, maturity_level, genre_ids, popularity, runtime)
    select 'oh' || lpad(i::text, 10, '0'), 'movie', 'local', 'Heartbeat title ' || i, 'G', 0, array[18], 1, 100
    from generate_series(0, ${TITLES - 1}) i`);
  await em.execute('vacuum analyze titles');
  const viewers = [];
  for (let i = 0; i < ACCOUNTS; i++) viewers.push(await signIn(base));
  const profiles = viewers.map((v) => v['x-profile-id']!);
  const lua = heartbeatLua(viewers);
  const url = `${base}/api/v1/streaming/oh0000000000/progress`;
  const count = async () => {
    const [r] = await em.execute<Array<{ n: string }>>('select count(*) as n from playback_progress');
    return Number(r!.n);
  };
  const clear = () => em.execute('truncate playback_progress, watch_history');
  console.log(
    `heartbeats on PostgreSQL, ${CONNECTIONS} connections; ${SECONDS}s × ${RUNS} runs (median); ${loadGenerator}`,
  );
  await load({ url, lua, connections: CONNECTIONS, seconds: 2 });
  await clear();
  const apps: number[] = [];
  const bases: number[] = [];
  const p99s: number[] = [];
  let lost = 0;
  for (let i = 0; i < RUNS; i++) {
    const a = await load({ url, lua, connections: CONNECTIONS, seconds: SECONDS });
    const acknowledged = (a.requests ?? 0) - a.non2xx;
    const stored = await count();
    lost += Math.max(0, acknowledged - stored);
    console.log(
      `run ${i + 1}: ${acknowledged} acknowledged, ${stored} stored, ${a.non2xx} non-2xx, ${a.errors} errors`,
    );
    apps.push(a.rps);
    p99s.push(a.p99);
    await clear();
    bases.push(await baseline(database.url, profiles, SECONDS));
    await clear();
  }
  const ratio = median(apps) / median(bases);
  report({
    what: `PUT /streaming/:id/progress, ${CONNECTIONS} connections (PostgreSQL)`,
    app: `${median(apps).toFixed(0)} heartbeats/s (p99 ${median(p99s).toFixed(1)} ms), ${lost} lost`,
    baseline: `${median(bases).toFixed(0)} rows/s plain pg, ${BATCH}-row upserts × ${BASELINE_CLIENTS} clients`,
    ratio,
    target: '≥ 0.5, ≥ 5000/s, 0 lost',
    met: ratio >= 0.5 && median(apps) >= 5000 && lost === 0,
  });
} finally {
  await app.close();
  await database.drop();
}
