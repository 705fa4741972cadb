// Uncached catalog latency on PostgreSQL with 50,000 titles: /content/browse (target p99 < 50 ms) and
// /search (target p99 < 100 ms) at 32 connections. Creates and drops its own database `cinemate_bench`;
// every request varies its query (genre, sort, page, limit / search words), so the cache misses.
// Usage: DATABASE_URL=postgres://... node bench/catalog-latency.ts [titles=50000] [seconds=10]
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { buildApp } from '../app.ts';
import { refreshSearchVectors } from '../services/catalog/search-index.ts';
import type { Em } from '../services/db/orm.ts';

const TITLES = Number(process.argv[2] ?? 50_000);
const SECONDS = Number(process.argv[3] ?? 10);
const CONNECTIONS = 32;
if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL is required (a PostgreSQL server; the bench creates and drops cinemate_bench on it).');
  process.exit(1);
}
const adminUrl = process.env.DATABASE_URL;
const benchUrl = new URL(adminUrl);
benchUrl.pathname = '/cinemate_bench';

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const WORDS = [
  'shadow',
  'river',
  'empire',
  'garden',
  'crimson',
  'silent',
  'frozen',
  'golden',
  'last',
  'hidden',
  'broken',
  'midnight',
  'storm',
  'echo',
  'iron',
  'glass',
  'wild',
  'lost',
  'bright',
  'hollow',
  'northern',
  'secret',
  'burning',
  'paper',
  'velvet',
  'distant',
  'electric',
  'quiet',
  'savage',
  'lunar',
];
const GENRES = [28, 12, 16, 35, 80, 99, 18, 10751, 14, 36, 27, 10402, 9648, 10749, 878, 53, 10752, 37];
const CERTS = ['G', 'PG', 'PG-13', 'R', 'NR', 'TV-14', 'TV-MA'];

async function seed(em: Em) {
  const started = Date.now();
  const words = `array['${WORDS.join("','")}']`;
  await em.execute(`insert into titles (id, kind, source, tmdb_id, title, original_title, original_language, overview, release_date, runtime,
      certification, maturity_level, genre_ids, popularity, vote_average, vote_count)
    select 'o' || lpad(i::text, 10, '0'), case when i % 7 = 0 then 'series' else 'movie' end, 'local', null,
      initcap((${words})[1 + (i * 7) % 30] || ' ' || (${words})[1 + (i * 13) % 30] || ' ' || (${words})[1 + (i * 3) % 30]) || ' ' || i,
      null, (array['en','fr','ja','es','de'])[1 + i % 5], 'Synthetic title ' || i, date '1950-01-01' + (i * 37) % 27000, 80 + i % 90,
      (array['${CERTS.join("','")}'])[1 + i % ${CERTS.length}],
      (array[0,1,2,3,3,2,3])[1 + i % 7],
      array[(array[${GENRES.join(',')}])[1 + i % ${GENRES.length}], (array[${GENRES.join(',')}])[1 + (i * 5 + 3) % ${GENRES.length}]],
      (random() * 1000)::real, (random() * 10)::real, (random() * 10000)::int
    from generate_series(1, ${TITLES}) as i`);
  await em.execute(`insert into title_genres (genre_id, title_id, popularity, maturity_level)
    select distinct g, t.id, t.popularity, t.maturity_level from titles t, unnest(t.genre_ids) g where t.source = 'local'`);
  await em.execute(
    `insert into people (id, name) select 'q' || i, initcap((${words})[1 + i % 30]) || ' Actor' || i from generate_series(1, 5000) i`,
  );
  await em.execute(`insert into credits (title_id, person_id, role, ord)
    select t.id, 'q' || (1 + (abs(hashtext(t.id)) + k * 977) % 5000), case when k = 0 then 'director' else 'cast' end, k
    from titles t, generate_series(0, 3) k where t.source = 'local' on conflict do nothing`);
  await refreshSearchVectors(em);
  // What autovacuum does within a minute of a bulk load: statistics and the visibility map (index-only scans).
  await em.execute('vacuum analyze');
  console.log(`seeded ${TITLES} synthetic titles in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const client = new URL('./load-client.ts', import.meta.url).pathname;
const scratch = mkdtempSync(path.join(tmpdir(), 'cinemate-bench-'));
async function load(url: string, paths: string[], connections = CONNECTIONS) {
  const pathsFile = path.join(scratch, 'paths.json');
  writeFileSync(pathsFile, JSON.stringify(paths));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [client, JSON.stringify({ url, connections, duration: SECONDS, pathsFile })],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as {
    rps: number;
    p50: number;
    p99: number;
    non2xx: number;
    total: number;
  };
}

const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;

await admin('drop database if exists cinemate_bench with (force)');
await admin('create database cinemate_bench');
const app = await buildApp({
  env: {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: benchUrl.toString(),
    DB_POOL_MAX: '20',
    RATE_LIMIT_GENERAL_MAX: '1000000',
    RATE_LIMIT_CONTENT_MAX: '1000000',
    RATE_LIMIT_STREAMING_MAX: '1000000',
    RATE_LIMIT_SEARCH_MAX: '100000',
    RATE_LIMIT_WINDOW_MS: '1000',
    RATE_LIMIT_CONTENT_WINDOW_MS: '1000',
    JOBS_INLINE: 'false',
  },
});
try {
  await app.ready();
  await seed(app.em());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // 20k+ distinct browse URLs and as many searches: almost every request is a cache miss.
  const browse = Array.from({ length: 20_000 }, () => {
    const genre = Math.random() < 0.8 ? `genre=${pick(GENRES)}&` : '';
    return `/api/v1/content/browse?${genre}sort=${pick(['popularity', 'release_date', 'rating'])}&page=${1 + Math.floor(Math.random() * 50)}&limit=${10 + Math.floor(Math.random() * 41)}`;
  });
  const search = Array.from({ length: 20_000 }, () => {
    const q =
      Math.random() < 0.5
        ? `${pick(WORDS)} ${pick(WORDS)}`
        : pick(WORDS).slice(0, 3 + Math.floor(Math.random() * 4)) + pick(['', 'x', 'e']);
    return `/api/v1/search?q=${encodeURIComponent(q)}&limit=${5 + Math.floor(Math.random() * 20)}`;
  });
  for (const [name, paths, target] of [
    ['browse', browse, 50],
    ['search', search, 100],
  ] as const) {
    const route = name === 'browse' ? 'content/browse' : 'search';
    // One connection first: the service time of a request with no queueing, the baseline for the 32.
    const one = await load(base, [...paths].reverse(), 1);
    console.log(`uncached /${route}, 1 connection: ${one.rps.toFixed(0)} req/s, p50 ${one.p50} ms, p99 ${one.p99} ms`);
    const r = await load(base, [...paths]);
    console.log(
      `uncached /${route}, ${CONNECTIONS} connections: ${r.rps.toFixed(0)} req/s (${(r.rps / one.rps).toFixed(2)}× one connection), p50 ${r.p50} ms, p99 ${r.p99} ms (target < ${target} ms), non-2xx ${r.non2xx}, ${r.total} requests`,
    );
  }
} finally {
  await app.close();
  if (!process.env.BENCH_KEEP_DB) await admin('drop database if exists cinemate_bench with (force)');
  rmSync(scratch, { recursive: true, force: true });
}
