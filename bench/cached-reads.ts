// Cached catalog reads as the mobile app makes them: signed in, with a bearer token and X-Profile-Id, on
// /movies/popular and /content/browse, against a bare node:http server sending the same bytes (target
// ≥ 0.8). With REDIS_URL, the same reads again with the in-process catalog tier off (CATALOG_HOT_TIER_MS=0),
// so each one is answered from Redis (target ≥ 0.5). Usage: node bench/cached-reads.ts [seconds=10] [runs=3]   (DATABASE_URL, REDIS_URL optional)
import { startBenchApp } from './app.ts';
import { bareServer, load, loadGenerator, median, pinSelf, report, signIn } from './lib.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const RUNS = Number(process.argv[3] ?? 3);
pinSelf();

const start = startBenchApp;

async function measure(label: string, base: string, path: string, headers: Record<string, string>, target: number) {
  const warm = await fetch(base + path, { headers });
  const body = await warm.text();
  if (warm.status !== 200) throw new Error(`${path}: ${warm.status} ${body}`);
  const bare = await bareServer(body);
  await load({ url: base + path, headers, seconds: 2 });
  await load({ url: bare.url, seconds: 2 });
  const apps: number[] = [];
  const bases: number[] = [];
  const ratios: number[] = [];
  let p99 = 0;
  for (let i = 0; i < RUNS; i++) {
    const a = await load({ url: base + path, headers, seconds: SECONDS });
    const b = await load({ url: bare.url, seconds: SECONDS });
    if (a.non2xx > 0 || a.errors > 0) throw new Error(`${path}: ${a.non2xx} non-2xx, ${a.errors} errors`);
    apps.push(a.rps);
    bases.push(b.rps);
    ratios.push(a.rps / b.rps);
    p99 = Math.max(p99, a.p99);
  }
  await bare.close();
  const ratio = median(ratios);
  report({
    what: label,
    app: `${median(apps).toFixed(0)} req/s (p99 ${p99.toFixed(1)} ms)`,
    baseline: `${median(bases).toFixed(0)} req/s bare node:http, ${Buffer.byteLength(body)} bytes`,
    ratio,
    target: `≥ ${target}`,
    met: ratio >= target,
  });
}

const store = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'} + ${process.env.REDIS_URL ? 'Redis' : 'in-process cache'}`;
console.log(`cached reads on ${store}; ${SECONDS}s × ${RUNS} runs (median); ${loadGenerator}`);
const paths = ['/api/v1/movies/popular', '/api/v1/content/browse?genre=18'];
{
  const { app, base } = await start({});
  const headers = await signIn(base);
  for (const path of paths) await measure(`cached ${path} signed in (${store})`, base, path, headers, 0.8);
  await app.close();
}
if (process.env.REDIS_URL) {
  const { app, base } = await start({ CATALOG_HOT_TIER_MS: '0' });
  const headers = await signIn(base);
  for (const path of paths)
    await measure(`cached ${path} signed in, in-process tier off (${store})`, base, path, headers, 0.5);
  await app.close();
}
