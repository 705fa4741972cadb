// Shared bench plumbing: the server under test and its baseline run in this process, pinned to one core;
// the load generator (wrk when installed, else autocannon) runs as a child pinned to the other core, so
// every figure is a ratio measured in the same run on the same core.
import { execFile, execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';

export interface Load {
  rps: number;
  p50: number;
  p99: number;
  /** wrk only: the slowest request, milliseconds (a starved request shows here). */
  max?: number;
  /** wrk only: requests completed (2xx or not). */
  requests?: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  url: string;
  connections?: number;
  seconds?: number;
  headers?: Record<string, string>;
  /** wrk only: Lua defining `request()` (or `init`), run before the report hook (e.g. a mix of writes). */
  lua?: string;
  /** wrk only: seconds before a request counts as a timeout error (wrk's default: 2). */
  timeout?: number;
}

const run = promisify(execFile);
const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
export const pinning = has('taskset') && (await import('node:os')).availableParallelism() >= 2;
const useWrk = has('wrk');

/**
 * Pins this process (server and baseline) to core 0; the load generator goes to core 1. Every thread is
 * pinned (-a): V8's helpers and libuv's pool (argon2, fs) may already run when this is called (ES imports
 * run first), and unpinned they would lend core 1 to one side of a ratio.
 */
export function pinSelf(): void {
  if (pinning) execFileSync('taskset', ['-apc', '0', String(process.pid)], { stdio: 'ignore' });
}

const WRK_REPORT = `done = function(summary, latency, requests)
  local non2xx = 0
  if summary.errors.status then non2xx = summary.errors.status end
  io.write(string.format('{"rps":%f,"p50":%f,"p99":%f,"max":%f,"requests":%d,"non2xx":%d,"errors":%d}\\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end`;

const scripts = new Map<string, string>();
async function wrkScript(lua = ''): Promise<string> {
  const known = scripts.get(lua);
  if (known) return known;
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/bench-`);
  const file = `${dir}/report.lua`;
  writeFileSync(file, `${lua}\n${WRK_REPORT}`);
  scripts.set(lua, file);
  return file;
}

/** Drives the URL for `seconds` and returns throughput and latency (milliseconds). */
export async function load(opts: LoadOptions): Promise<Load> {
  const connections = opts.connections ?? 50;
  const seconds = opts.seconds ?? 10;
  const headers = opts.headers ?? {};
  const pin = pinning ? ['taskset', '-c', '1'] : [];
  if (useWrk) {
    const args = [
      '-t1',
      `-c${connections}`,
      `-d${Math.max(1, Math.round(seconds))}s`,
      '--latency',
      '-s',
      await wrkScript(opts.lua),
    ];
    if (opts.timeout) args.push('--timeout', `${opts.timeout}s`);
    for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
    const [cmd, ...rest] = [...pin, 'wrk', ...args, opts.url];
    const { stdout } = await run(cmd!, rest, { maxBuffer: 1 << 22 });
    return JSON.parse(stdout.trim().split('\n').pop()!);
  }
  if (opts.lua) throw new Error('a scripted request mix needs wrk');
  const client = new URL('./load-client.ts', import.meta.url).pathname;
  const spec = JSON.stringify({ url: opts.url, connections, duration: seconds, headers });
  const [cmd, ...rest] = [...pin, process.execPath, client, spec];
  const { stdout } = await run(cmd!, rest, { maxBuffer: 1 << 22 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

/** A Lua string literal (wrk scripts). */
export const luaString = (s: string) => JSON.stringify(s);

/** wrk Lua: every request is a GET of one of `paths`, picked at random (so a cache never answers twice). */
export function luaRandomPaths(paths: string[]): string {
  return `local paths = {${paths.map(luaString).join(',')}}
math.randomseed(${Date.now() % 100000})
request = function() return wrk.format('GET', paths[math.random(#paths)]) end`;
}

/** A bare node:http server answering every request with the same bytes and content type. */
export async function bareServer(body: string | Buffer, contentType = 'application/json; charset=utf-8') {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export const loadGenerator = `${useWrk ? 'wrk' : 'autocannon'}${pinning ? ', pinned: app/baseline core 0, load core 1' : ', not pinned'}`;

export interface Row {
  what: string;
  app: string;
  baseline: string;
  ratio: number;
  target: string;
  met: boolean;
}

/** Prints one row as a line and, on stdout's last line, as JSON for `npm run bench` to collect. */
export function report(row: Row): void {
  console.log(
    `${row.what}: app ${row.app}, baseline ${row.baseline}, ratio ${row.ratio.toFixed(2)} (target ${row.target}) ${row.met ? 'met' : 'NOT met'}`,
  );
  console.log(`BENCH_ROW ${JSON.stringify(row)}`);
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface BenchUser {
  id: string;
  token: string;
  /** The account's first profile. */
  profile: string;
}

/** Signs a new viewer up through the API and picks its first profile, as the app does after login. */
export async function signUp(base: string): Promise<BenchUser> {
  const email = `bench-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const res = await fetch(`${base}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench Viewer', email, password: 'BenchPass123', genres: [] }),
  });
  if (res.status !== 201) throw new Error(`signup: ${res.status} ${await res.text()}`);
  const { auth_token: token, user } = ((await res.json()) as { data: { auth_token: string; user: { id: string } } })
    .data;
  const profiles = await fetch(`${base}/api/v1/profiles`, { headers: { authorization: `Bearer ${token}` } });
  const list = ((await profiles.json()) as { data: { id: string }[] | { profiles: { id: string }[] } }).data;
  const first = Array.isArray(list) ? list[0] : list.profiles[0];
  if (!first) throw new Error('the new account has no profile');
  return { id: user.id, token, profile: first.id };
}

/** Signs a viewer up: the headers of its requests (bearer token and X-Profile-Id). */
export async function signIn(base: string): Promise<Record<string, string>> {
  const user = await signUp(base);
  return { authorization: `Bearer ${user.token}`, 'x-profile-id': user.profile };
}

/** The fields of an autocannon result the benches read, as the load-client children print them. */
export function autocannonSummary(result: any) {
  return {
    rps: result.requests.average as number,
    p50: result.latency.p50 as number,
    p99: result.latency.p99 as number,
    non2xx: result.non2xx as number,
    errors: result.errors as number,
    timeouts: result.timeouts as number,
    total: result.requests.total as number,
    ok: result['2xx'] as number,
  };
}

/** A database of its own on the given PostgreSQL server, dropped by `drop()`: a bench never writes to DATABASE_URL's. */
export async function ownDatabase(baseUrl: string, name: string) {
  const pg = (await import('pg')).default;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** Movie ids of the demo catalog the embedded default starts with (details and favourites targets). */
export async function demoMovies(count = 50): Promise<string[]> {
  const { readFileSync } = await import('node:fs');
  const file = new URL('../services/catalog/demo-catalog.json', import.meta.url);
  const catalog = JSON.parse(readFileSync(file, 'utf8')) as { titles: Array<{ type: string; tmdb_id: number }> };
  return catalog.titles
    .filter((x) => x.type === 'movie')
    .slice(0, count)
    .map((x) => `m${x.tmdb_id}`);
}

/**
 * wrk Lua: the mixed traffic of signed-in viewers, cycling over them: half browse (varying genre, sort and
 * page), three in ten details, two in ten favourite writes (add, later remove, the same titles).
 */
export function mixedLua(viewers: Array<Record<string, string>>, movies: string[]): string {
  const list = viewers.map((v) => `{${luaString(v.authorization!)}, ${luaString(v['x-profile-id']!)}}`).join(', ');
  return `local viewers = { ${list} }
local movies = { ${movies.map(luaString).join(', ')} }
local genres = { 28, 12, 16, 35, 80, 99, 18, 14, 27, 878, 53 }
local sorts = { "popularity", "release_date", "rating" }
local n = 0
request = function()
  n = n + 1
  local v = viewers[(n % #viewers) + 1]
  local h = { ["authorization"] = v[1], ["x-profile-id"] = v[2] }
  local k = n % 10
  local m = movies[(math.floor(n / 10) % #movies) + 1]
  if k < 5 then
    return wrk.format("GET", string.format("/api/v1/content/browse?genre=%d&sort=%s&page=%d",
      genres[(n % #genres) + 1], sorts[(math.floor(n / 7) % #sorts) + 1], 1 + math.floor(n / 11) % 5), h)
  elseif k < 8 then
    return wrk.format("GET", "/api/v1/movies/" .. m, h)
  elseif math.floor(n / (10 * #movies)) % 2 == 0 then
    h["content-type"] = "application/json"
    return wrk.format("POST", "/api/v1/movies/favourites", h, '{"movie_id":"' .. m .. '"}')
  end
  return wrk.format("DELETE", "/api/v1/movies/favourites?movie_id=" .. m, h)
end`;
}
