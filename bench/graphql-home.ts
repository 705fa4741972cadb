// The home screen of a signed-in viewer, built by a client in two ways: one GraphQL `home` query, or the
// five REST calls the same screen needs made one after another (continue watching, next up, the
// recommendation rows, trending, the watchlist). The figure is the latency of the whole screen (p50 and
// p99 over sequential screens), GraphQL against REST (target: GraphQL no slower, ratio ≤ 1). On loopback a
// round trip costs almost nothing; on a mobile network each of the four extra REST round trips adds its RTT.
// The server runs here on core 0; the client is a child process on core 1.
// Usage: node bench/graphql-home.ts [seconds=10] [runs=3]   (DATABASE_URL, REDIS_URL optional)
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startBenchApp } from './app.ts';
import { loadGenerator, median, pinning, pinSelf, report } from './lib.ts';

const CARD = 'id title poster backdrop synopsis release_date duration genres rating is_series certification';
const HOME = `query Home($p: ID) { home(profileId: $p) {
  continue_watching(limit: 20) { title { ${CARD} resume_position } episode { id name } progress { position duration } updated_at }
  next_up(limit: 20) { title { ${CARD} } episode { id season_number episode_number name } updated_at }
  recommendations { category content { confidence_score title { ${CARD} } } }
  trending(limit: 20) { ${CARD} }
  my_list(limit: 20) { ${CARD} in_watchlist } } }`;

interface Spec {
  base: string;
  headers: Record<string, string>;
  profileId: string;
  mode: 'graphql' | 'rest';
  seconds: number;
}

/** The client: builds screens back to back for `seconds` and prints their latencies (ms) as JSON. */
async function client(spec: Spec): Promise<void> {
  const { base, headers, profileId } = spec;
  const get = async (path: string) => {
    const res = await fetch(base + path, { headers });
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return res.json();
  };
  const screen =
    spec.mode === 'graphql'
      ? async () => {
          const res = await fetch(`${base}/api/v1/graphql`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify({ query: HOME, variables: { p: profileId } }),
          });
          const body = (await res.json()) as { errors?: unknown };
          if (res.status !== 200 || body.errors) throw new Error(`graphql: ${res.status} ${JSON.stringify(body)}`);
        }
      : async () => {
          await get(`/api/v1/profiles/${profileId}/continue-watching?limit=20`);
          await get(`/api/v1/profiles/${profileId}/next-up?limit=20`);
          await get(`/api/v1/recommendations/${profileId}`);
          await get('/api/v1/recommendations/trending?limit=20');
          await get(`/api/v1/profiles/${profileId}/watchlist?limit=20`);
        };
  for (let i = 0; i < 20; i++) await screen();
  const times: number[] = [];
  const end = Date.now() + spec.seconds * 1000;
  while (Date.now() < end) {
    const t0 = performance.now();
    await screen();
    times.push(performance.now() - t0);
  }
  console.log(JSON.stringify(times));
}

if (process.argv[2] === '--client') {
  await client(JSON.parse(process.argv[3]!) as Spec);
  process.exit(0);
}

const SECONDS = Number(process.argv[2] ?? 10);
const RUNS = Number(process.argv[3] ?? 3);
pinSelf();

const { app, base } = await startBenchApp();

async function json(path: string, init: RequestInit = {}) {
  const res = await fetch(base + path, init);
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { data: any };
}

// A viewer with a screen worth drawing: a watchlist, a movie half watched and a series episode finished.
const signup = await json('/api/v1/auth/signup', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    name: 'Bench',
    email: `bench-${process.pid}@example.com`,
    password: 'BenchPass123',
    genres: [],
  }),
});
const headers = { authorization: `Bearer ${signup.data.auth_token}` };
const profileId = (await json('/api/v1/profiles', { headers })).data.profiles[0].id as string;
const write = (method: string, path: string, body: unknown) =>
  json(path, { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const movies = (await json('/api/v1/content/browse?type=movie&limit=12')).data.content as Array<{ id: string }>;
for (const m of movies.slice(0, 10))
  await write('POST', `/api/v1/profiles/${profileId}/watchlist`, { content_id: m.id });
await write('PUT', `/api/v1/streaming/${movies[10]!.id}/progress`, { position: 1800, duration: 6000 });
const series = (await json('/api/v1/movies/s1399')).data.movie;
await write('PUT', '/api/v1/streaming/s1399/progress', {
  position: 3500,
  duration: 3600,
  episode_id: series.seasons[0].episodes[0].id,
});

const run = promisify(execFile);
async function screens(mode: Spec['mode']): Promise<number[]> {
  const spec: Spec = { base, headers, profileId, mode, seconds: SECONDS };
  const pin = pinning ? ['taskset', '-c', '1'] : [];
  const [cmd, ...rest] = [
    ...pin,
    process.execPath,
    new URL(import.meta.url).pathname,
    '--client',
    JSON.stringify(spec),
  ];
  const { stdout } = await run(cmd!, rest, { maxBuffer: 1 << 26 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as number[];
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
console.log(`load: sequential screens from one client (${loadGenerator.split(',').slice(1).join(',').trim()})`);
const p50s: { gql: number[]; rest: number[] } = { gql: [], rest: [] };
const p99s: { gql: number[]; rest: number[] } = { gql: [], rest: [] };
for (let i = 0; i < RUNS; i++) {
  const g = await screens('graphql');
  const r = await screens('rest');
  p50s.gql.push(pct(g, 0.5));
  p50s.rest.push(pct(r, 0.5));
  p99s.gql.push(pct(g, 0.99));
  p99s.rest.push(pct(r, 0.99));
  console.log(
    `run ${i + 1}: graphql ${g.length} screens p50 ${pct(g, 0.5).toFixed(2)} ms, rest ${r.length} p50 ${pct(r, 0.5).toFixed(2)} ms`,
  );
}
for (const [label, figures] of [
  ['p50', p50s],
  ['p99', p99s],
] as const) {
  const gql = median(figures.gql);
  const rest = median(figures.rest);
  report({
    what: `home screen ${label}: GraphQL home vs 5 sequential REST calls`,
    app: `${gql.toFixed(2)} ms`,
    baseline: `${rest.toFixed(2)} ms`,
    ratio: gql / rest,
    target: '≤ 1.0',
    met: gql <= rest,
  });
}
await app.close();
