// Load generator run as a child process by the catalog benches, so that autocannon does not share the
// server's event loop. argv[2]: JSON { url, connections, duration, pathsFile? }; prints the result as JSON.
// With `pathsFile` (a JSON array of paths), every request picks one at random (cache-busting variety).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// autocannon ships no type declarations; only its result fields read below are relied on.
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: object) => Promise<any>;

const opts = JSON.parse(process.argv[2]!) as {
  url: string;
  connections: number;
  duration: number;
  pathsFile?: string;
  headers?: Record<string, string>;
};
const paths = opts.pathsFile ? (JSON.parse(readFileSync(opts.pathsFile, 'utf8')) as string[]) : undefined;
const result = await autocannon({
  url: opts.url,
  connections: opts.connections,
  duration: opts.duration,
  headers: opts.headers ?? {},
  ...(paths
    ? {
        requests: [{ setupRequest: (req: any) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)] }) }],
      }
    : {}),
});
console.log(
  JSON.stringify({
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    total: result.requests.total,
  }),
);
