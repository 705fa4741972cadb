// A dependency outage is a 503 SERVICE_UNAVAILABLE with Retry-After (never a 500 with driver text), fast,
// with /readyz not ready meanwhile; what can be served without Redis is served; both recover by themselves.
import t from 'tap';
import pg from 'pg';
import { buildTestApp, usingPostgres } from '../helpers/app.ts';
import { call, newUser } from '../helpers/factories.ts';
import { createDatabase, startProxy, startRedis } from './support.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitReady(app: Awaited<ReturnType<typeof buildTestApp>>, withinMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if ((await app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`not ready within ${withinMs} ms`);
}

t.test('Redis down: served in degraded mode, readiness says so, recovery by itself', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.kill());
  const app = await buildTestApp(t, { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'outage:', REDIS_TIMEOUT_MS: '300' });
  const user = await newUser(app);
  const other = await newUser(app);
  t.equal((await call(app, { method: 'GET', url: '/api/v1/profile', headers: user.headers })).status, 200);
  t.equal((await call(app, { method: 'GET', url: '/readyz' })).status, 200);

  await redis.kill();
  await sleep(100);
  const started = Date.now();
  const profile = await call(app, { method: 'GET', url: '/api/v1/profile', headers: user.headers });
  t.equal(profile.status, 200, 'account reads are served from the database');
  t.ok(Date.now() - started < 1000, `answered in ${Date.now() - started} ms, not after a Redis timeout`);
  const login = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: user.email, password: user.password },
  });
  t.equal(login.status, 200, 'login works without Redis');
  t.equal((await call(app, { method: 'GET', url: '/api/v1/movies/popular' })).status, 200, 'the catalog is served');
  const ready = await call(app, { method: 'GET', url: '/readyz' });
  t.equal(ready.status, 503);
  t.match(ready.body.checks.cache, /^down/);
  t.ok(ready.headers['retry-after']);

  // Sign-out during the outage still ends the session at once: the session check falls back to the database.
  t.equal(
    (await call(app, { method: 'GET', url: '/api/v1/profile', headers: other.headers })).status,
    200,
    'the other account is signed in',
  );
  const out = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/logout',
    headers: other.headers,
    payload: { refresh_token: other.refreshToken },
  });
  t.equal(out.status, 200);
  const after = await call(app, { method: 'GET', url: '/api/v1/profile', headers: other.headers });
  t.equal(after.status, 401, 'a token of an ended session is refused without Redis');

  await redis.start();
  const took = await waitReady(app, 10_000);
  t.ok(took < 10_000, `ready ${took} ms after Redis came back`);
  t.equal((await call(app, { method: 'GET', url: '/api/v1/profile', headers: user.headers })).status, 200);
  t.equal(
    (await call(app, { method: 'GET', url: '/api/v1/profile', headers: other.headers })).status,
    401,
    'still ended after recovery',
  );
});

t.test(
  'PostgreSQL down: 503 with Retry-After and no driver text, readiness, recovery',
  { skip: !usingPostgres },
  async (t) => {
    const db = await createDatabase(process.env.DATABASE_URL as string);
    const proxy = await startProxy(Number(db.url.port || 5432), db.url.hostname);
    const viaProxy = new URL(db.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    // Teardowns run last-registered first: this one, registered before the app's, runs after it closes.
    t.teardown(async () => {
      await proxy.close();
      await db.drop();
    });
    const app = await buildTestApp(t, { DATABASE_URL: viaProxy.toString() });
    const user = await newUser(app);
    t.equal((await call(app, { method: 'GET', url: '/api/v1/profile', headers: user.headers })).status, 200);
    t.equal((await call(app, { method: 'GET', url: '/readyz' })).status, 200);

    await proxy.cut();
    for (const request of [
      { method: 'GET' as const, url: '/api/v1/profile', headers: user.headers },
      { method: 'POST' as const, url: '/api/v1/auth/login', payload: { email: user.email, password: user.password } },
      { method: 'POST' as const, url: '/api/v1/profiles', headers: user.headers, payload: { name: 'During outage' } },
    ]) {
      const started = Date.now();
      const res = await call(app, request);
      t.equal(res.status, 503, `${request.method} ${request.url}`);
      t.equal(res.body.error.code, 'SERVICE_UNAVAILABLE');
      t.equal(res.headers['retry-after'], '5');
      t.notMatch(JSON.stringify(res.body), /ECONN|connect|postgres|pg_|select|insert|terminated/i);
      t.ok(Date.now() - started < 3000, `failed fast (${Date.now() - started} ms)`);
    }
    const ready = await call(app, { method: 'GET', url: '/readyz' });
    t.equal(ready.status, 503);
    t.equal(ready.body.checks.database, 'down');

    await proxy.restore();
    const took = await waitReady(app, 10_000);
    t.ok(took < 10_000, `ready ${took} ms after PostgreSQL came back`);
    t.equal((await call(app, { method: 'GET', url: '/api/v1/profile', headers: user.headers })).status, 200);
  },
);

t.test(
  'pg_terminate_backend on every connection: the pool recovers, the process lives',
  { skip: !usingPostgres },
  async (t) => {
    const app = await buildTestApp(t);
    const user = await newUser(app);
    t.equal((await call(app, { method: 'GET', url: '/api/v1/profile', headers: user.headers })).status, 200);
    const [{ db }] = await app.em().execute<{ db: string }[]>('select current_database() as db');
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const killed = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [db],
    );
    await admin.end();
    t.ok((killed.rowCount ?? 0) > 0, `${killed.rowCount} connections terminated`);
    // A request may meet a dead pooled connection once (a 503 it may retry), never a 500; then it is served.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await call(app, { method: 'GET', url: '/api/v1/profile', headers: user.headers })).status);
      if (statuses.at(-1) === 200) break;
      await sleep(100);
    }
    t.equal(statuses.at(-1), 200, `served again (${statuses.join(', ')})`);
    t.notOk(statuses.includes(500), 'never a 500');
  },
);
