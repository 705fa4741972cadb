// Recommendations through the real app on the demo catalog: cold start by declared genres, signals
// shifting results, exclusions, maturity, "Because you watched X", ownership, caching and "similar".
import t from 'tap';
import { db } from '../repositories/db.ts';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser, type TestUser } from './helpers/factories.ts';
import { recsCounters } from '../services/recommendations/profile.ts';
import { rebuildNeighbours } from '../services/recommendations/rebuild.ts';

const KIDS_CERTS = new Set(['G', 'TV-Y', 'TV-Y7', 'TV-G']);
const API = '/api/v1';

const app: FastifyInstance = await buildTestApp(t);

const get = (user: TestUser, url: string, profileId?: string) =>
  call(app, {
    method: 'GET',
    url: `${API}${url}`,
    headers: { ...user.headers, ...(profileId ? { 'x-profile-id': profileId } : {}) },
  });
const send = (user: TestUser, method: 'POST' | 'PUT', url: string, payload: object) =>
  call(app, { method, url: `${API}${url}`, headers: user.headers, payload });

async function firstProfile(user: TestUser): Promise<string> {
  const res = await get(user, '/profiles');
  return res.body.data.profiles[0].id;
}

async function recommended(
  user: TestUser,
  limit = 50,
  profileId?: string,
): Promise<Array<{ id: string; genres: string[]; certification: string }>> {
  const res = await get(user, `/movies/recommendations?limit=${limit}`, profileId);
  t.equal(res.status, 200, res.body?.error?.message);
  return res.body.data.movies;
}

/** Movies of a genre, most popular first (demo catalog). */
async function moviesIn(genre: number, n: number, maxLevel = 3): Promise<Array<{ id: string; title: string }>> {
  return app
    .em()
    .execute(
      `select id, title from titles where kind = 'movie' and ? = any(genre_ids) and maturity_level <= ? and deleted_at is null order by popularity desc, id limit ?`,
      [genre, maxLevel, n],
    );
}

const watch = (user: TestUser, id: string, fraction = 0.95) =>
  send(user, 'PUT', `/streaming/${id}/progress`, { position: Math.round(6000 * fraction), duration: 6000 });
const count = (items: Array<{ genres: string[] }>, genre: string) =>
  items.filter((m) => m.genres.includes(genre)).length;

t.test('declared genres dominate cold start', async (t) => {
  const comedy = await newUser(app, { genres: [35] });
  const scifi = await newUser(app, { genres: [878] });
  const a = await recommended(comedy, 10);
  const b = await recommended(scifi, 10);
  t.equal(a.length, 10);
  t.ok(count(a, 'Comedy') >= 8, `comedy fan: ${count(a, 'Comedy')}/10 comedies`);
  t.ok(count(b, 'Science Fiction') >= 8, `sci-fi fan: ${count(b, 'Science Fiction')}/10 sci-fi`);

  const rows = await get(comedy, `/recommendations/${await firstProfile(comedy)}`);
  t.equal(rows.status, 200);
  const categories = rows.body.data.recommendations.map((r: { category: string }) => r.category);
  t.ok(categories.includes('Top picks in Comedy'), categories.join(', '));
  t.ok(categories.includes('Popular on Cinemate'));
  t.ok(Date.parse(rows.body.data.generated_at) > 0);
  for (const row of rows.body.data.recommendations) {
    for (const item of row.content) {
      t.ok(item.confidence_score >= 0 && item.confidence_score <= 1, 'confidence in 0..1');
      t.equal(item.thumbnail_url, item.poster);
    }
  }
});

t.test('watching, favouriting and up-voting shift the results', async (t) => {
  const user = await newUser(app, { genres: [35] });
  const before = count(await recommended(user, 20), 'Science Fiction');
  const [a, b, c] = await moviesIn(878, 3);
  t.equal((await watch(user, a!.id)).status, 200);
  t.ok([200, 201].includes((await send(user, 'POST', '/movies/favourites', { movie_id: b!.id })).status));
  t.ok([200, 201].includes((await send(user, 'POST', '/movies/ratings', { movie_id: c!.id, rating: 'up' })).status));
  const after = count(await recommended(user, 20), 'Science Fiction');
  t.ok(after > before, `sci-fi in the top 20: ${before} -> ${after}`);
});

t.test('finished and disliked titles never come back', async (t) => {
  const user = await newUser(app, { genres: [35] });
  const top = await recommended(user, 10);
  const [finished, disliked] = [top[0]!.id, top[1]!.id];
  t.equal((await watch(user, finished, 0.97)).status, 200);
  t.ok(
    [200, 201].includes((await send(user, 'POST', '/movies/ratings', { movie_id: disliked, rating: 'down' })).status),
  );
  const ids = new Set<string>();
  for (let page = 1; page <= 3; page++) {
    const res = await get(user, `/movies/recommendations?page=${page}&limit=50`);
    for (const m of res.body.data.movies) ids.add(m.id);
  }
  t.notOk(ids.has(finished), 'finished title absent');
  t.notOk(ids.has(disliked), 'disliked title absent');
  const rows = await get(user, `/recommendations/${await firstProfile(user)}`);
  const rowIds = rows.body.data.recommendations.flatMap((r: { content: Array<{ id: string }> }) =>
    r.content.map((c) => c.id),
  );
  t.notOk(rowIds.includes(finished) || rowIds.includes(disliked), 'absent from the rows too');
});

t.test('a kids profile never gets an adult title', async (t) => {
  const user = await newUser(app, { genres: [28, 53, 27] });
  const created = await send(user, 'POST', '/profiles', { name: 'Kiddo', is_kids: true });
  t.equal(created.status, 201, JSON.stringify(created.body));
  const kidsId: string = created.body.data.profile?.id ?? created.body.data.id;
  const list = await recommended(user, 50, kidsId);
  t.ok(list.length > 0);
  t.ok(
    list.every((m) => KIDS_CERTS.has(m.certification)),
    list.map((m) => m.certification).join(','),
  );
  const rows = await get(user, `/recommendations/${kidsId}`);
  t.equal(rows.status, 200);
  for (const row of rows.body.data.recommendations)
    for (const c of row.content) t.ok(KIDS_CERTS.has(c.certification), `${c.id} ${c.certification}`);
  const trending = await get(user, '/recommendations/trending?limit=50', kidsId);
  t.equal(trending.status, 200);
  t.ok(trending.body.data.content.every((c: { certification: string }) => KIDS_CERTS.has(c.certification)));
});

t.test('"Because you watched X" names a title the profile watched; similar follows co-viewing', async (t) => {
  const [x, y, z] = await moviesIn(18, 40).then((m) => [m[30]!, m[31]!, m[32]!]);
  // Other viewers watch X together with Y and Z.
  for (let i = 0; i < 4; i++) {
    const other = await newUser(app);
    for (const m of [x, y, z]) t.equal((await watch(other, m.id)).status, 200);
  }
  const result = await rebuildNeighbours({ em: app.em(), cache: app.cache });
  t.equal(result.source, 'platform');
  t.ok(result.neighbourRows > 0);

  const similar = await get(await newUser(app), `/recommendations/similar/${x.id}`);
  t.equal(similar.status, 200);
  const similarIds = similar.body.data.content.map((c: { id: string }) => c.id);
  t.same(similarIds.slice(0, 2).sort(), [y.id, z.id].sort(), 'co-watched titles lead');

  const user = await newUser(app, { genres: [35] });
  t.equal((await watch(user, x.id, 0.5)).status, 200);
  const rows = await get(user, `/recommendations/${await firstProfile(user)}`);
  const because = rows.body.data.recommendations.find((r: { category: string }) =>
    r.category.startsWith('Because you watched'),
  );
  t.ok(because, 'a because row');
  t.equal(because.category, `Because you watched ${x.title}`);
  const history: Array<{ title_id: string }> = await app
    .em()
    .execute('select title_id from watch_history where profile_id = ?', [await firstProfile(user)]);
  t.ok(
    history.some((h) => h.title_id === x.id),
    'the named title is in the history',
  );
  t.ok(because.content.some((c: { id: string }) => c.id === y.id || c.id === z.id));
});

t.test('another account’s profile is not found', async (t) => {
  const owner = await newUser(app);
  const stranger = await newUser(app);
  t.equal((await get(stranger, `/recommendations/${await firstProfile(owner)}`)).status, 404);
  t.equal((await get(stranger, `/recommendations/${crypto.randomUUID()}`)).status, 404);
  t.equal((await get(stranger, '/recommendations/not-a-uuid')).status, 400);
  t.equal((await call(app, { method: 'GET', url: `${API}/movies/recommendations` })).status, 401);
});

t.test('cached until a signal changes', async (t) => {
  const user = await newUser(app, { genres: [35] });
  const profileId = await firstProfile(user);
  const first = await get(user, `/recommendations/${profileId}`);
  const computed = recsCounters.computed;
  const second = await get(user, `/recommendations/${profileId}`);
  await recommended(user, 10);
  t.equal(recsCounters.computed, computed, 'second and third requests are cache hits');
  t.same(second.body.data, first.body.data);

  const top = (await recommended(user, 10))[0]!.id;
  t.equal((await send(user, 'POST', '/movies/favourites', { movie_id: top })).status, 201);
  const after = await recommended(user, 10);
  t.equal(recsCounters.computed, computed + 1, 'the favourite made it recompute');
  t.notOk(
    after.some((m) => m.id === top),
    'the new favourite left the list',
  );
  const removed = await call(app, {
    method: 'DELETE',
    url: `${API}/movies/favourites?movie_id=${top}`,
    headers: user.headers,
  });
  t.equal(removed.status, 200);
  t.ok(
    (await recommended(user, 10)).some((m) => m.id === top),
    'removing it brings it back',
  );
});

t.test('similar: unknown title 404, genre stand-ins before any co-viewing, job through the runner', async (t) => {
  const user = await newUser(app);
  t.equal((await get(user, '/recommendations/similar/m999999999')).status, 404);
  t.equal((await get(user, '/recommendations/similar/bad id')).status, 400);
  const [fresh] = await moviesIn(35, 1);
  await db(app.em()).deleteFrom('title_neighbours').where('title_id', '=', fresh!.id).execute();
  const res = await get(user, `/recommendations/similar/${fresh!.id}?limit=5`);
  t.equal(res.status, 200);
  t.equal(res.body.data.content.length, 5);
  t.ok(res.body.data.content.every((c: { id: string }) => c.id !== fresh!.id));

  const [before] = await app.em().execute<{ version: number }[]>('select version from recs_state');
  await app.jobs.enqueue('recs.rebuild-neighbours', {});
  await app.jobs.runner.tick();
  const [after] = await app.em().execute<{ version: number }[]>('select version from recs_state');
  t.ok(after!.version > before!.version, 'the job published a new version');
  const trending = await get(user, '/recommendations/trending');
  t.equal(trending.status, 200);
  t.ok(trending.body.data.content.length > 0);
});
