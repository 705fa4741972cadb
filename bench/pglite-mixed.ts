// The embedded default (PGlite, in-process cache) under 64 connections of mixed signed-in traffic (browse,
// details, favourite writes) against its own single-connection p99: the 64-connection p99 must stay
// ≤ 100 ms, and the slowest request and the event loop's longest stall are printed (a WASM query runs on
// the main thread: a long one stalls every other request).
// Usage: node bench/pglite-mixed.ts [seconds=10] [runs=3]   (DATABASE_URL / REDIS_URL are ignored)
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startBenchApp } from './app.ts';
import { demoMovies, load, loadGenerator, median, mixedLua, pinSelf, report, signIn } from './lib.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const RUNS = Number(process.argv[3] ?? 3);
const CONNECTIONS = 64;
const ACCOUNTS = 8;
pinSelf();

console.log(`PGlite mixed traffic; ${SECONDS}s × ${RUNS} runs (median); ${loadGenerator}`);
const { app, base } = await startBenchApp({ DATABASE_URL: undefined, REDIS_URL: undefined });
try {
  const viewers = [];
  for (let i = 0; i < ACCOUNTS; i++) viewers.push(await signIn(base));
  const lua = mixedLua(viewers, await demoMovies());
  const url = `${base}/api/v1/content/browse`;
  await load({ url, lua, connections: CONNECTIONS, seconds: 2 });
  const ones: number[] = [];
  const p99s: number[] = [];
  const rps: number[] = [];
  let max = 0;
  let stall = 0;
  let starved = 0;
  for (let i = 0; i < RUNS; i++) {
    const one = await load({ url, lua, connections: 1, seconds: SECONDS });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const many = await load({ url, lua, connections: CONNECTIONS, seconds: SECONDS });
    delay.disable();
    for (const r of [one, many]) if (r.non2xx > 0) throw new Error(`${r.non2xx} non-2xx`);
    // wrk counts a request unanswered after 2 s as a timeout error: a starved request.
    starved += many.errors;
    ones.push(one.p99);
    p99s.push(many.p99);
    rps.push(many.rps);
    max = Math.max(max, many.max ?? 0);
    stall = Math.max(stall, delay.max / 1e6);
  }
  const p99 = median(p99s);
  report({
    what: `PGlite, ${CONNECTIONS} connections of browse/details/favourites`,
    app: `p99 ${p99.toFixed(1)} ms at ${median(rps).toFixed(0)} req/s, max ${max.toFixed(0)} ms, ${starved} timed out (> 2 s), event-loop stall max ${stall.toFixed(0)} ms`,
    baseline: `p99 ${median(ones).toFixed(1)} ms at 1 connection`,
    ratio: p99 / median(ones),
    target: 'p99 ≤ 100 ms, none starved (ratio = p99 / 1-connection p99)',
    met: p99 <= 100 && starved === 0,
  });
} finally {
  await app.close();
}
