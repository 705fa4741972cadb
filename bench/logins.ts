// Logins: POST /auth/login throughput against the machine's argon2 limit, a loop of argon2.verify with the
// same parameters and the same hash in this process on the same core (both pinned to core 0, with as many
// verifications in flight as libuv has threads). Target: ≥ 0.9 of the limit, and p99 ≤ 50 ms below the
// limit (one connection: a login never queues behind another).
// Usage: node bench/logins.ts [seconds=10] [runs=3]   (DATABASE_URL, REDIS_URL optional)
import { performance } from 'node:perf_hooks';
import argon2 from 'argon2';
import { startBenchApp } from './app.ts';
import { load, loadGenerator, luaString, median, pinSelf, report } from './lib.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const RUNS = Number(process.argv[3] ?? 3);
const CONNECTIONS = 8;
const IN_FLIGHT = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
pinSelf();

/** Verifications per second of `hash` by IN_FLIGHT loops for `seconds`. */
async function verifyLoop(hash: string, password: string, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < until) {
        if (!(await argon2.verify(hash, password))) throw new Error('the baseline verification failed');
        done += 1;
      }
    }),
  );
  return done / seconds;
}

const store = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'} + ${process.env.REDIS_URL ? 'Redis' : 'in-process cache'}`;
console.log(`logins on ${store}; ${SECONDS}s × ${RUNS} runs (median); ${loadGenerator}`);
// Every login writes a session and an audit row: a high auth limit, as the login storm of a big release would need.
const { app, base } = await startBenchApp({ RATE_LIMIT_AUTH_MAX: '100000', RATE_LIMIT_AUTH_WINDOW_MS: '1000' });
try {
  const email = `bench-login-${process.pid}@example.com`;
  const password = 'BenchPass123';
  const signup = await fetch(`${base}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench Login', email, password, genres: [] }),
  });
  if (signup.status !== 201) throw new Error(`signup: ${signup.status}`);
  const [row] = await app
    .em()
    .execute<Array<{ hash_password: string }>>('select hash_password from users where email_address = ?', [email]);
  const hash = row!.hash_password;
  const body = JSON.stringify({ email, password });
  const lua = `wrk.method = "POST"
wrk.body = ${luaString(body)}
wrk.headers["content-type"] = "application/json"`;
  const url = `${base}/api/v1/auth/login`;
  await load({ url, lua, connections: CONNECTIONS, seconds: 2, timeout: 10 });
  await verifyLoop(hash, password, 1);
  const apps: number[] = [];
  const limits: number[] = [];
  const p99s: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const a = await load({ url, lua, connections: CONNECTIONS, seconds: SECONDS, timeout: 10 });
    if (a.non2xx > 0 || a.errors > 0) throw new Error(`login: ${a.non2xx} non-2xx, ${a.errors} errors`);
    apps.push(a.rps);
    limits.push(await verifyLoop(hash, password, SECONDS));
    const one = await load({ url, lua, connections: 1, seconds: Math.max(2, Math.ceil(SECONDS / 2)) });
    p99s.push(one.p99);
  }
  const ratio = median(apps) / median(limits);
  const p99 = median(p99s);
  report({
    what: `POST /auth/login, ${CONNECTIONS} connections (${store})`,
    app: `${median(apps).toFixed(1)} logins/s (p99 at 1 connection ${p99.toFixed(1)} ms)`,
    baseline: `${median(limits).toFixed(1)} argon2.verify/s, ${IN_FLIGHT} in flight, same core`,
    ratio,
    target: '≥ 0.9, p99 ≤ 50 ms',
    met: ratio >= 0.9 && p99 <= 50,
  });
} finally {
  await app.close();
}
