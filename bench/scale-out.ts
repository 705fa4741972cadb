// Two API processes against one, on the same PostgreSQL and Redis: `npm start` with WEB_CONCURRENCY=2 (the
// node:cluster primary hands connections round-robin to its two processes) against a single process, on
// the cached catalog read (signed in, as bench/cached-reads.ts) and on a write-heavy mix (four favourites
// writes to one cached read, over several accounts). The single process is pinned to core 0, the load
// generator to core 1; the pair may use both cores, so on a 2-core machine one of them shares its core
// with the load generator (and PostgreSQL and Redis run on the same two cores): the ratio is a floor for
// what two processes with a core each would give, not that figure itself.
// Usage: node bench/scale-out.ts [seconds=10] [runs=3]   (needs DATABASE_URL and REDIS_URL)
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, loadGenerator, median, pinning, report, signIn } from './lib.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const RUNS = Number(process.argv[3] ?? 3);
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
  console.error('bench/scale-out.ts needs DATABASE_URL and REDIS_URL: instances share state only through them');
  process.exit(1);
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** `node server.ts` with WEB_CONCURRENCY processes, pinned to the given cores; resolves once it is ready. */
async function startApi(processes: number, cores: string) {
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    DATA_DIR: 'memory://',
    REDIS_KEY_PREFIX: `bench-scale:${process.pid}:`,
    JWT_SECRET: 'bench-scale-jwt-secret-0123456789abcdef',
    WEB_CONCURRENCY: String(processes),
    RATE_LIMIT_GENERAL_MAX: '1000000',
    RATE_LIMIT_SEARCH_MAX: '100000',
    RATE_LIMIT_AUTH_MAX: '100000',
    JOBS_INLINE: 'false',
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
  };
  const cmd = pinning ? ['taskset', '-c', cores, process.execPath] : [process.execPath];
  const child: ChildProcess = spawn(cmd[0]!, [...cmd.slice(1), path.join(root, 'server.ts')], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    if (
      await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { base, stop };
}

const catalog = JSON.parse(readFileSync(path.join(root, 'services/catalog/demo-catalog.json'), 'utf8'));
const MOVIES: string[] = catalog.titles
  .filter((x: { type: string }) => x.type === 'movie')
  .slice(0, 50)
  .map((x: { tmdb_id: number }) => `m${x.tmdb_id}`);

/** wrk Lua: four writes (add, then remove, a favourite) to one cached read, cycling over the accounts. */
function writeMix(accounts: Record<string, string>[]): string {
  const lua = (v: string) => JSON.stringify(v);
  const auths = accounts.map((a) => `{${lua(a.authorization)}, ${lua(a['x-profile-id'])}}`).join(', ');
  return `local accounts = { ${auths} }
local movies = { ${MOVIES.map(lua).join(', ')} }
local n = 0
request = function()
  n = n + 1
  local a = accounts[(n % #accounts) + 1]
  local h = { ["authorization"] = a[1], ["x-profile-id"] = a[2], ["content-type"] = "application/json" }
  if n % 5 == 0 then return wrk.format("GET", "/api/v1/movies/popular", h) end
  local m = movies[(math.floor(n / #accounts) % #movies) + 1]
  if math.floor(n / (#accounts * #movies)) % 2 == 0 then
    return wrk.format("POST", "/api/v1/movies/favourites", h, '{"movie_id":"' .. m .. '"}')
  end
  h["content-type"] = nil
  return wrk.format("DELETE", "/api/v1/movies/favourites?movie_id=" .. m, h)
end`;
}

async function measure(base: string, kind: 'read' | 'write', accounts: Record<string, string>[]) {
  const headers = accounts[0]!;
  const opts =
    kind === 'read'
      ? { url: `${base}/api/v1/movies/popular`, headers }
      : { url: `${base}/api/v1/movies/popular`, lua: writeMix(accounts) };
  await load({ ...opts, seconds: 2 });
  const rps: number[] = [];
  let p99 = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await load({ ...opts, seconds: SECONDS });
    if (r.errors > 0 || r.non2xx > 0) throw new Error(`${kind}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    rps.push(r.rps);
    p99 = Math.max(p99, r.p99);
  }
  return { rps: median(rps), p99 };
}

console.log(`scale-out on PostgreSQL + Redis; ${SECONDS}s × ${RUNS} runs (median); ${loadGenerator}`);
const results: Record<string, { rps: number; p99: number }> = {};
for (const [label, processes, cores] of [
  ['one', 1, '0'],
  ['two', 2, '0,1'],
] as const) {
  const api = await startApi(processes, cores);
  const accounts = await Promise.all(Array.from({ length: 8 }, () => signIn(api.base)));
  for (const kind of ['read', 'write'] as const) {
    results[`${label}-${kind}`] = await measure(api.base, kind, accounts);
    console.log(`${label} process(es), ${kind}: ${results[`${label}-${kind}`]!.rps.toFixed(0)} req/s`);
  }
  await api.stop();
}

for (const [kind, what, target] of [
  ['read', 'cached /movies/popular signed in', 1.6],
  ['write', 'write-heavy mix (4 favourites writes : 1 cached read)', 1.3],
] as const) {
  const one = results[`one-${kind}`]!;
  const two = results[`two-${kind}`]!;
  const ratio = two.rps / one.rps;
  report({
    what: `two API processes vs one: ${what}`,
    app: `${two.rps.toFixed(0)} req/s with two (p99 ${two.p99.toFixed(1)} ms)`,
    baseline: `${one.rps.toFixed(0)} req/s with one (p99 ${one.p99.toFixed(1)} ms)`,
    ratio,
    target: `≥ ${target} with a core per process; here the load generator shares a core`,
    met: ratio >= target,
  });
}
