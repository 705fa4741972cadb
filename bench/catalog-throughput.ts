// Cached catalog throughput: GET /movies/popular, /content/browse?genre=18 and /movies/m238 (details with
// their live vote counts) served from the catalog cache, against a bare node:http server returning the same
// JSON, on 127.0.0.1 (target ratio ≥ 0.5).
// Usage: node bench/catalog-throughput.ts [seconds=10] [runs=2] [connections=50]   (DATABASE_URL optional)
import { createServer } from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../app.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const RUNS = Number(process.argv[3] ?? 2);
const CONNECTIONS = Number(process.argv[4] ?? 50);
const client = new URL('./load-client.ts', import.meta.url).pathname;

async function load(
  url: string,
  duration = SECONDS,
): Promise<{ rps: number; p99: number; non2xx: number; errors: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [client, JSON.stringify({ url, connections: CONNECTIONS, duration })],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

const app = await buildApp({
  env: {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATA_DIR: 'memory://',
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    // The bench measures the catalog path: no limiter refusals, no background jobs in this process.
    RATE_LIMIT_GENERAL_MAX: '1000000',
    RATE_LIMIT_CONTENT_MAX: '1000000',
    RATE_LIMIT_STREAMING_MAX: '1000000',
    RATE_LIMIT_WINDOW_MS: '1000',
    RATE_LIMIT_CONTENT_WINDOW_MS: '1000',
    JOBS_INLINE: 'false',
    // Seeding the embedded database stalls the event loop at start: the overload guard would refuse the warm-up.
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
  },
});
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
console.log(
  `app on ${base} (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, ${process.env.REDIS_URL ? 'Redis' : 'in-process cache'}); ${SECONDS}s × ${RUNS} runs, ${CONNECTIONS} connections`,
);

for (const path of ['/api/v1/movies/popular', '/api/v1/content/browse?genre=18', '/api/v1/movies/m238']) {
  const warm = await fetch(base + path);
  const body = await warm.text();
  if (warm.status !== 200) throw new Error(`${path}: ${warm.status} ${body}`);
  const bare = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  // Both servers get the same short warm-up (JIT, connection set-up) before anything is counted.
  await load(base + path, 2);
  await load(bareUrl, 2);
  const ratios: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const a = await load(base + path);
    const b = await load(bareUrl);
    const ratio = a.rps / b.rps;
    ratios.push(ratio);
    console.log(
      `${path} run ${run}: app ${a.rps.toFixed(0)} req/s (p99 ${a.p99} ms, non-2xx ${a.non2xx}), bare ${b.rps.toFixed(0)} req/s, ratio ${ratio.toFixed(2)}`,
    );
  }
  console.log(
    `${path}: mean ratio ${(ratios.reduce((s, r) => s + r, 0) / ratios.length).toFixed(2)} (target ≥ 0.5), body ${Buffer.byteLength(body)} bytes`,
  );
  await new Promise((resolve) => bare.close(resolve));
}
await app.close();
