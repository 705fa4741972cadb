// PostgreSQL killed with SIGKILL under a load of acknowledged writes (favourites, playback heartbeats,
// subscriptions) on a real API process: while it is down every request that needs it fails fast with 503
// SERVICE_UNAVAILABLE and Retry-After (no hang, no 500, no driver text) and /readyz is not ready; restarted
// on the same data directory (crash recovery), the API is ready within 10 s by itself and every write it
// acknowledged is in the database. Then pg_terminate_backend on every connection of the same process: the pool
// replaces them and the process lives. The cluster is the test's own (initdb on a spare port), so the test
// needs only the PostgreSQL binaries and runs on both legs; the API uses the leg's Redis when there is one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { json, privatePostgresMissing, startPostgres, startServer } from './support.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DRIVER_TEXT = /ECONN|connect|postgres|pg_|select|insert|update|terminat|relation|sql/i;

t.setTimeout(240_000);

t.test('PostgreSQL SIGKILLed under load and restarted', { skip: privatePostgresMissing() }, async (t) => {
  const cluster = await startPostgres();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cinemate-pgkill-'));
  t.teardown(async () => {
    await cluster.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    DATABASE_URL: cluster.url,
    DB_POOL_MAX: '5',
    JWT_SECRET: 'pgkill-test-secret-0123456789abcdef',
    MEDIA_SIGNING_SECRET: 'pgkill-media-secret-0123456789abcd',
    RETRY_AFTER_SECONDS: '5',
  };
  if (process.env.REDIS_URL) {
    env.REDIS_URL = process.env.REDIS_URL;
    env.REDIS_KEY_PREFIX = `pgkill${process.pid}:`;
  }
  const server = await startServer(env);
  t.teardown(() => {
    if (!t.passing()) t.comment(`--- API output ---\n${server.output()}\n--- postgres ---\n${cluster.log()}`);
    server.child.kill('SIGKILL');
  });

  const ids: string[] = [];
  const movies: string[] = [];
  for (let page = 1; ids.length < 100; page++) {
    const res = await json(server.base, 'GET', `/api/v1/movies/popular?page=${page}`);
    if (res.status !== 200 || res.body.data.movies.length === 0) break;
    for (const { id } of res.body.data.movies as { id: string }[]) {
      ids.push(id);
      // A series' (s…) heartbeat names an episode: the heartbeats go to movies (m…).
      if (id.startsWith('m')) movies.push(id);
    }
  }
  t.ok(ids.length >= 40 && movies.length >= 10, `${ids.length} titles, ${movies.length} movies`);
  const users: { id: string; token: string }[] = [];
  for (let i = 0; i < 4; i++) {
    const res = await json(server.base, 'POST', '/api/v1/auth/signup', {
      name: `Load ${i}`,
      email: `pgkill${i}-${process.pid}@example.com`,
      password: 'PASS1234',
      genres: [],
    });
    t.equal(res.status, 201);
    users.push({ id: res.body.data.user.id, token: res.body.data.auth_token });
  }

  // Acknowledged writes, by user: favourite titles, the highest heartbeat position per title, a subscription.
  const favourites = new Map<string, Set<string>>(users.map((u) => [u.id, new Set()]));
  const positions = new Map<string, Map<string, number>>(users.map((u) => [u.id, new Map()]));
  const subscribed = new Set<string>();
  // killing: between the signal and the last backend's death; restarting: from the start of postgres to this
  // test seeing it up. A request may meet either state then.
  let phase: 'up' | 'killing' | 'down' | 'restarting' | 'back' = 'up';
  const seen = {
    up: new Map<number, number>(),
    killing: new Map<number, number>(),
    down: new Map<number, number>(),
    restarting: new Map<number, number>(),
    back: new Map<number, number>(),
  };
  const problems: string[] = [];
  let slowestDown = 0;
  let stop = false;

  const write = async (user: { id: string; token: string }, step: number) => {
    if (step % 10 === 4 && !subscribed.has(user.id)) {
      const body = { plan: 'standard', interval: 'month', payment_method: 'pm_card_visa' };
      const res = await json(server.base, 'POST', '/api/v1/subscriptions', body, user.token);
      if (res.status === 201) subscribed.add(user.id);
      return res;
    }
    if (step % 2 === 0) {
      const movie = ids[step % ids.length];
      const res = await json(server.base, 'POST', '/api/v1/movies/favourites', { movie_id: movie }, user.token);
      if (res.status === 200 || res.status === 201) favourites.get(user.id)?.add(movie);
      return res;
    }
    const title = movies[step % movies.length];
    const position = 10 + step;
    const res = await json(
      server.base,
      'PUT',
      `/api/v1/streaming/${title}/progress`,
      { position, duration: 6000 },
      user.token,
    );
    const acked = positions.get(user.id) as Map<string, number>;
    if (res.status === 200) acked.set(title, Math.max(acked.get(title) ?? 0, position));
    return res;
  };
  const client = async (user: { id: string; token: string }, offset: number) => {
    for (let step = offset; !stop; step += 2) {
      const at = phase;
      const started = Date.now();
      const res = await write(user, step);
      const took = Date.now() - started;
      seen[at].set(res.status, (seen[at].get(res.status) ?? 0) + 1);
      // Started while down: nothing waits for the database to come back (no hang), whenever it ends.
      if (at === 'down') slowestDown = Math.max(slowestDown, took);
      if (at === 'down' && phase === 'down') {
        if (res.status !== 503) problems.push(`${res.status} during the outage`);
        else if (res.headers.get('retry-after') !== '5') problems.push('a 503 without Retry-After');
        if (res.body?.error?.code !== 'SERVICE_UNAVAILABLE') problems.push(`code ${res.body?.error?.code}`);
        if (DRIVER_TEXT.test(JSON.stringify(res.body))) problems.push(`driver text: ${JSON.stringify(res.body)}`);
      }
      if (res.status >= 500 && res.status !== 503) problems.push(`${res.status} ${JSON.stringify(res.body)}`);
      if (at === 'up' && phase === 'up' && res.status >= 400)
        problems.push(`${res.status} before the outage: ${JSON.stringify(res.body)}`);
      await sleep(40);
    }
  };
  // 8 clients, one request in flight each; the subscription from the even one (a 409 would be the other's). (about 100 writes/s while the database is up).
  const load = users.flatMap((u) => [client(u, 0), client(u, 1)]);
  await sleep(2000);

  phase = 'killing';
  await cluster.kill();
  phase = 'down';
  const killedAt = Date.now();
  const readiness = new Map<number, number>();
  while (Date.now() - killedAt < 4000) {
    const res = await json(server.base, 'GET', '/readyz');
    readiness.set(res.status, (readiness.get(res.status) ?? 0) + 1);
    await sleep(250);
  }
  t.same([...readiness.keys()], [503], `/readyz not ready during the outage (${JSON.stringify([...readiness])})`);
  t.equal(server.child.exitCode, null, 'the API process lives through the outage');

  phase = 'restarting';
  await cluster.start();
  phase = 'back';
  const restartedAt = Date.now();
  let readyMs = -1;
  while (Date.now() - restartedAt < 10_000) {
    if ((await json(server.base, 'GET', '/readyz')).status === 200) {
      readyMs = Date.now() - restartedAt;
      break;
    }
    await sleep(100);
  }
  t.ok(readyMs >= 0 && readyMs < 10_000, `ready ${readyMs} ms after PostgreSQL was restarted`);
  await sleep(2000);
  stop = true;
  await Promise.all(load);

  const figures = Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, Object.fromEntries(v)]));
  t.comment(`statuses by phase ${JSON.stringify(figures)}; slowest answer while down ${slowestDown} ms`);
  t.same(problems, [], 'every answer while down is a fast 503 SERVICE_UNAVAILABLE with Retry-After, no 500');
  t.ok((seen.down.get(503) ?? 0) > 10, 'the load ran through the outage');
  t.ok(slowestDown < 3000, `no request hung while down (slowest ${slowestDown} ms)`);
  t.ok((seen.back.get(200) ?? 0) + (seen.back.get(201) ?? 0) > 10, 'writes are acknowledged again after recovery');

  const db = new pg.Client({ connectionString: cluster.url });
  await db.connect();
  t.teardown(() => db.end());
  let acked = 0;
  let lost = 0;
  for (const user of users) {
    const fav = await db.query<{ title_id: string }>('select title_id from user_favourites where user_id = $1', [
      user.id,
    ]);
    const storedFav = new Set(fav.rows.map((r) => r.title_id));
    const progress = await db.query<{ title_id: string; position: number }>(
      `select p.title_id, p.position from playback_progress p join viewer_profiles v on v.id = p.profile_id
       where v.user_id = $1`,
      [user.id],
    );
    const storedPos = new Map(progress.rows.map((r) => [r.title_id, Number(r.position)]));
    const sub = await db.query("select 1 from subscriptions where user_id = $1 and status <> 'canceled'", [user.id]);
    for (const movie of favourites.get(user.id) ?? []) {
      acked += 1;
      if (!storedFav.has(movie)) lost += 1;
    }
    for (const [movie, position] of positions.get(user.id) ?? []) {
      acked += 1;
      // A later heartbeat may have been stored and its answer lost with the connection: at least, never less.
      if ((storedPos.get(movie) ?? -1) < position) lost += 1;
    }
    if (subscribed.has(user.id)) {
      acked += 1;
      if (sub.rowCount !== 1) lost += 1;
    }
  }
  t.comment(`acknowledged writes ${acked} (${subscribed.size} subscriptions), lost ${lost}; ready after ${readyMs} ms`);
  t.ok(acked > 100, `${acked} writes acknowledged`);
  t.equal(lost, 0, '0 acknowledged writes lost');

  t.test('pg_terminate_backend on every API connection: the pool recovers, the process lives', async (t) => {
    const user = users[0];
    t.equal((await json(server.base, 'GET', '/api/v1/profile', undefined, user.token)).status, 200);
    const killed = await db.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      ['cinemate'],
    );
    t.ok((killed.rowCount ?? 0) > 0, `${killed.rowCount} connections terminated`);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await json(server.base, 'GET', '/api/v1/profile', undefined, user.token);
      statuses.push(res.status);
      if (res.status === 200) break;
      await sleep(100);
    }
    t.equal(statuses.at(-1), 200, `served again (${statuses.join(', ')})`);
    t.notOk(statuses.includes(500), 'never a 500');
    const more = await json(server.base, 'POST', '/api/v1/movies/favourites', { movie_id: ids[1] }, user.token);
    t.ok(more.status === 200 || more.status === 201, 'writes too');
    await sleep(500);
    t.equal(server.child.exitCode, null, 'the process did not crash');
  });
});
