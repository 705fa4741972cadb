// Memory: RSS of the API (this process: the app and nothing else of size) at start, after a warm-up and
// after BENCH_MEMORY_SECONDS of mixed signed-in traffic (browse, details, favourite writes) at 64
// connections, sampled every few seconds. Target: ≤ 300 MB at the end and flat (the second half of the
// run grows by ≤ 10 %). The figure is 10 minutes: BENCH_MEMORY_SECONDS=600.
// Usage: BENCH_MEMORY_SECONDS=60 node bench/memory.ts   (DATABASE_URL, REDIS_URL optional)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBenchApp } from './app.ts';
import { demoMovies, load, loadGenerator, mixedLua, pinSelf, report, signIn } from './lib.ts';

const SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 60);
const CONNECTIONS = 64;
const LIMIT_MB = 300;
pinSelf();

const mb = (bytes: number) => bytes / 2 ** 20;
/** Where the resident memory is: the JS heap, memory held by C++ objects and buffers (WASM memory among them). */
const breakdown = () => {
  const m = process.memoryUsage();
  return `heap ${mb(m.heapUsed).toFixed(0)}/${mb(m.heapTotal).toFixed(0)} MB, external ${mb(m.external).toFixed(0)} MB, array buffers ${mb(m.arrayBuffers).toFixed(0)} MB`;
};
const store = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'} + ${process.env.REDIS_URL ? 'Redis' : 'in-process cache'}`;
console.log(`memory under mixed load on ${store}; ${SECONDS}s; ${loadGenerator}`);
// On the embedded default the database lives in files, as with `npm start`, not in memory (DATA_DIR=memory://).
const dataDir = process.env.DATABASE_URL ? null : mkdtempSync(path.join(tmpdir(), 'cinemate-memory-'));
const { app, base } = await startBenchApp(dataDir ? { DATA_DIR: dataDir } : {});
try {
  const atStart = mb(process.memoryUsage().rss);
  console.log(`at start: ${breakdown()}`);
  const viewers = [];
  for (let i = 0; i < 8; i++) viewers.push(await signIn(base));
  const lua = mixedLua(viewers, await demoMovies());
  const url = `${base}/api/v1/content/browse`;
  await load({ url, lua, connections: CONNECTIONS, seconds: 5 });
  const warm = mb(process.memoryUsage().rss);
  const samples: number[] = [];
  const every = Math.max(1, Math.min(10, SECONDS / 12)) * 1000;
  const timer = setInterval(() => samples.push(mb(process.memoryUsage().rss)), every);
  const r = await load({ url, lua, connections: CONNECTIONS, seconds: SECONDS });
  clearInterval(timer);
  const end = mb(process.memoryUsage().rss);
  samples.push(end);
  const mid = samples[Math.floor(samples.length / 2)] ?? warm;
  const growth = end / mid - 1;
  console.log(`at the end: ${breakdown()}`);
  console.log(
    `RSS samples (MB): ${samples.map((s) => s.toFixed(0)).join(' ')}; ${r.rps.toFixed(0)} req/s, ${r.non2xx} non-2xx`,
  );
  report({
    what: `RSS after ${SECONDS} s of mixed load, ${CONNECTIONS} connections (${store})`,
    app: `${end.toFixed(0)} MB at the end (max ${Math.max(...samples).toFixed(0)} MB, +${(100 * growth).toFixed(1)} % over the second half)`,
    baseline: `${atStart.toFixed(0)} MB at start, ${warm.toFixed(0)} MB after a 5 s warm-up`,
    ratio: end / LIMIT_MB,
    target: `≤ ${LIMIT_MB} MB (ratio = end / ${LIMIT_MB} MB), second half ≤ +10 %`,
    met: end <= LIMIT_MB && growth <= 0.1,
  });
} finally {
  // Writes answered at the end of the load still publish their invalidations; closing Redis under them
  // rejects those commands after the fact (seen: "Connection is closed" killing the process at exit).
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await app.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
