// Uncached catalog reads on PostgreSQL with 50,000 titles at 64 connections, against a bare node:http server
// sending a response of the same size: /content/browse (ratio ≥ 0.15, app p99 ≤ 3× the bare p99) and
// /search (ratio ≥ 0.08). Every request varies its query (genre, sort, page, limit / search words), so the
// cache misses. Creates and drops its own database. BENCH_EXPLAIN=1 prints the plans of sample queries.
// Usage: DATABASE_URL=postgres://... node bench/catalog-latency.ts [seconds=10] [runs=3]   (BENCH_TITLES=50000)
import pg from 'pg';
import { refreshSearchVectors } from '../services/catalog/search-index.ts';
import type { Em } from '../services/db/orm.ts';
import { startBenchApp } from './app.ts';
import { bareServer, load, loadGenerator, luaRandomPaths, median, ownDatabase, pinSelf, report } from './lib.ts';

const TITLES = Number(process.env.BENCH_TITLES ?? 50_000);
const SECONDS = Number(process.argv[2] ?? 10);
const RUNS = Number(process.argv[3] ?? 3);
const CONNECTIONS = 64;
if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL is required (a PostgreSQL server; the bench creates and drops its own database on it).');
  process.exit(1);
}
pinSelf();

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

/**
 * Prints EXPLAIN (ANALYZE, BUFFERS) of the statements one browse and one search request run: the pg
 * client's query method records them while each request is made (bench only), then each is explained.
 */
async function explain(em: Em, base: string, paths: string[]) {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  for (const path of paths) {
    const seen: Array<{ text: string; values: unknown[] }> = [];
    proto.query = function (this: unknown, ...args: unknown[]) {
      const [q, v] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
      const text = typeof q === 'string' ? q : q?.text;
      const values = (typeof q === 'string' ? v : q?.values) ?? [];
      if (text && /^\s*(select|with)/i.test(text)) seen.push({ text, values });
      return original.apply(this, args);
    };
    await fetch(base + path);
    proto.query = original;
    console.log(`-- ${path}: ${seen.length} statements`);
    for (const { text, values } of seen) {
      const plan = await em.execute<Array<{ 'QUERY PLAN': string }>>(
        `explain (analyze, buffers) ${text.replace(/\$(\d+)/g, '?')}`,
        values as never[],
      );
      console.log(`${text.replace(/\s+/g, ' ').slice(0, 400)}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}\n`);
    }
  }
}

const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;

const database = await ownDatabase(process.env.DATABASE_URL, 'cinemate_bench');
const { app, base } = await startBenchApp({ DATABASE_URL: database.url, DB_POOL_MAX: '20' });
try {
  await seed(app.em());
  // 20k distinct browse URLs and as many searches: almost every request is a cache miss.
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
  console.log(
    `uncached catalog reads, ${TITLES} titles, ${CONNECTIONS} connections; ${SECONDS}s × ${RUNS} runs (median); ${loadGenerator}`,
  );
  if (process.env.BENCH_EXPLAIN) await explain(app.em(), base, [browse[0]!, search[0]!]);
  for (const [name, paths, target] of [
    ['/content/browse', browse, 0.15],
    ['/search', search, 0.08],
  ] as const) {
    // The baseline sends a typical answer of the route (the middle one of a few samples by size).
    const samples = await Promise.all(paths.slice(0, 5).map(async (p) => (await fetch(base + p)).text()));
    const body = samples.sort((a, b) => a.length - b.length)[2]!;
    const bare = await bareServer(body);
    const lua = luaRandomPaths(paths);
    await load({ url: base, lua, connections: CONNECTIONS, seconds: 2 });
    const apps: number[] = [];
    const bares: number[] = [];
    const appP99: number[] = [];
    const bareP99: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const a = await load({ url: base, lua, connections: CONNECTIONS, seconds: SECONDS });
      const b = await load({ url: bare.url, lua, connections: CONNECTIONS, seconds: SECONDS });
      if (a.non2xx > 0 || a.errors > 0) throw new Error(`${name}: ${a.non2xx} non-2xx, ${a.errors} errors`);
      apps.push(a.rps);
      bares.push(b.rps);
      appP99.push(a.p99);
      bareP99.push(b.p99);
    }
    await bare.close();
    const ratio = median(apps) / median(bares);
    const p99 = median(appP99);
    const p99Bound = name === '/content/browse' ? 3 * median(bareP99) : Number.POSITIVE_INFINITY;
    report({
      what: `uncached ${name}, ${TITLES} titles, ${CONNECTIONS} connections (PostgreSQL)`,
      app: `${median(apps).toFixed(0)} req/s (p99 ${p99.toFixed(1)} ms)`,
      baseline: `${median(bares).toFixed(0)} req/s bare node:http (p99 ${median(bareP99).toFixed(1)} ms), ${Buffer.byteLength(body)} bytes`,
      ratio,
      target: `≥ ${target}${Number.isFinite(p99Bound) ? ', p99 ≤ 3× bare p99' : ''}`,
      met: ratio >= target && p99 <= p99Bound,
    });
  }
} finally {
  await app.close();
  if (!process.env.BENCH_KEEP_DB) await database.drop();
}
