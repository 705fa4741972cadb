// SIGTERM to a real API process under a steady load of writes: in-flight requests finish, new ones get a 503
// or a refused connection (never another 5xx), the process exits within the drain delay, and every write it
// acknowledged is stored (read back from a fresh process on the same data).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { freshDatabase } from '../helpers/app.ts';
import { json, startServer } from './support.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('SIGTERM under load: acknowledged writes stored, in-flight finished, 503 for new, prompt exit', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cinemate-sigterm-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    JWT_SECRET: 'sigterm-test-secret-0123456789abcdef',
    MEDIA_SIGNING_SECRET: 'sigterm-media-secret-0123456789abcd',
  };
  if (process.env.DATABASE_URL) {
    const db = await freshDatabase(process.env.DATABASE_URL);
    t.teardown(db.drop);
    env.DATABASE_URL = db.url;
  }
  if (process.env.REDIS_URL) {
    env.REDIS_URL = process.env.REDIS_URL;
    env.REDIS_KEY_PREFIX = `sigterm${process.pid}:`;
  }
  const server = await startServer(env);
  t.teardown(() => server.child.kill('SIGKILL'));

  const ids: string[] = [];
  for (let page = 1; ids.length < 120; page++) {
    const res = await json(server.base, 'GET', `/api/v1/movies/popular?page=${page}`);
    if (res.status !== 200 || res.body.data.movies.length === 0) break;
    ids.push(...res.body.data.movies.map((m: { id: string }) => m.id));
  }
  t.ok(ids.length >= 60, `${ids.length} titles to favourite`);
  const users: string[] = [];
  for (let i = 0; i < 4; i++) {
    const email = `sigterm${i}-${process.pid}@example.com`;
    const res = await json(server.base, 'POST', '/api/v1/auth/signup', {
      name: `Load ${i}`,
      email,
      password: 'PASS1234',
      genres: [],
    });
    t.equal(res.status, 201);
    users.push(res.body.data.auth_token);
  }

  // ~200 writes/s: 12 clients (3 per user) favourite title after title, one request in flight each.
  const acknowledged = new Map<string, Set<string>>(users.map((u) => [u, new Set()]));
  const statuses = new Map<number, number>();
  let refused = 0;
  let stop = false;
  let terminatedAt = 0;
  const worker = async (token: string, offset: number) => {
    for (let i = offset; !stop && i < ids.length; i += 3) {
      const movie = ids[i];
      try {
        const res = await json(server.base, 'POST', '/api/v1/movies/favourites', { movie_id: movie }, token);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200 || res.status === 201) acknowledged.get(token)?.add(movie);
      } catch {
        refused += 1;
        if (terminatedAt === 0) throw new Error('a request failed before SIGTERM');
      }
      await sleep(50);
    }
  };
  const load = users.flatMap((token) => [0, 1, 2].map((k) => worker(token, k)));
  await sleep(1500);
  terminatedAt = Date.now();
  server.child.kill('SIGTERM');
  const code = await server.exited;
  const tookMs = Date.now() - terminatedAt;
  stop = true;
  await Promise.all(load);

  t.equal(code, 0, 'clean exit');
  t.ok(tookMs < 10_000, `exited ${tookMs} ms after SIGTERM (drain delay 10 s)`);
  const counts = Object.fromEntries(statuses);
  t.comment(`statuses ${JSON.stringify(counts)}, refused connections ${refused}`);
  for (const status of statuses.keys()) {
    t.ok(status < 500 || status === 503, `no 5xx but 503 (saw ${status})`);
  }
  t.ok(refused + (statuses.get(503) ?? 0) > 0, 'the load was still running when the signal came');
  const stored = [...acknowledged.values()].reduce((n, s) => n + s.size, 0);
  t.ok(stored > 50, `${stored} favourites acknowledged before the stop`);

  const again = await startServer(env);
  t.teardown(() => again.child.kill('SIGKILL'));
  for (const [token, movies] of acknowledged) {
    const saved = new Set<string>();
    for (let page = 1; ; page++) {
      const res = await json(again.base, 'GET', `/api/v1/movies/favourites?limit=50&page=${page}`, undefined, token);
      if (res.status !== 200) throw new Error(`favourites read: ${res.status}`);
      for (const m of res.body.data.movies as { id: string }[]) saved.add(m.id);
      if (page >= res.body.data.pagination.total_pages) break;
    }
    const lost = [...movies].filter((m) => !saved.has(m));
    t.same(lost, [], 'every acknowledged favourite is stored');
  }
  again.child.kill('SIGTERM');
  await again.exited;
});
