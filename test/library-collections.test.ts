// Favourites (seed 003), watchlist (seed 001) and ratings (seed 004): happy paths, idempotency, validation,
// maturity (a kids profile cannot favourite an R title), cross-account 404s, card flags, and concurrency.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, collect, newProfile, newUser, rateTitle, type TestUser, viewerOf, watch } from './helpers/factories.ts';
import { addMovie, addSeries } from './helpers/titles.ts';
import { ratingCounts } from '../services/library/ratings.ts';

const app = await buildTestApp(t);
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const req = (method: Method, url: string, headers: object, payload?: object) =>
  call(app, { method, url: `/api/v1${url}`, headers: headers as Record<string, string>, payload });
const firstProfile = async (user: TestUser) =>
  (await req('GET', '/profiles', user.headers)).body.data.profiles[0].id as string;

t.test('favourites: add (idempotent), list as MOVIE_LIST with flags, remove', async (t) => {
  const user = await newUser(app);
  const a = await addMovie(app, { title: 'Alpha' });
  const b = await addMovie(app, { title: 'Beta' });
  const first = await req('POST', '/movies/favourites', user.headers, { movie_id: a.id });
  t.equal(first.status, 201);
  t.match(first.body, { success: true, data: { movie_id: a.id, changed: true } });
  const again = await req('POST', '/movies/favourites', user.headers, { movie_id: a.id });
  t.equal(again.status, 200, 'adding twice is fine');
  t.equal(again.body.data.changed, false);
  // Seed 003 clients send the bare TMDb number.
  t.equal((await req('POST', '/movies/favourites', user.headers, { movie_id: b.id.slice(1) })).status, 201);

  const list = await req('GET', '/movies/favourites?page=1&limit=20', user.headers);
  t.equal(list.status, 200);
  t.same(list.body.data.pagination, { page: 1, limit: 20, total: 2, total_pages: 1 });
  t.same(
    list.body.data.movies.map((m: { id: string }) => m.id),
    [b.id, a.id],
    'newest first',
  );
  t.same(
    Object.keys(list.body.data.movies[0]).sort(),
    [
      'backdrop',
      'certification',
      'duration',
      'genres',
      'id',
      'in_watchlist',
      'is_favorite',
      'is_series',
      'poster',
      'rating',
      'release_date',
      'resume_position',
      'synopsis',
      'title',
      'user_rating',
    ].sort(),
  );
  t.match(list.body.data.movies[1], {
    id: a.id,
    title: 'Alpha',
    genres: ['Drama'],
    rating: 7.5,
    is_favorite: true,
    is_series: false,
    release_date: '2020-01-01',
    duration: 120,
  });
  const paged = await req('GET', '/movies/favourites?page=2&limit=1', user.headers);
  t.same(
    paged.body.data.movies.map((m: { id: string }) => m.id),
    [a.id],
  );

  const del = await req('DELETE', `/movies/favourites?movie_id=${a.id}`, user.headers);
  t.equal(del.status, 200);
  t.equal(del.body.data.changed, true);
  t.equal(
    (await req('DELETE', `/movies/favourites?movie_id=${a.id}`, user.headers)).body.data.changed,
    false,
    'removing twice is fine',
  );
  t.equal((await req('GET', '/movies/favourites', user.headers)).body.data.pagination.total, 1);
});

t.test('favourites validation, unknown titles and auth', async (t) => {
  const user = await newUser(app);
  const m = await addMovie(app);
  const bad: Array<[string, object]> = [
    ['missing', {}],
    ['wrong type', { movie_id: { id: 1 } }],
    ['too long', { movie_id: `m${'1'.repeat(20)}` }],
    ['malformed', { movie_id: 'x;drop table' }],
    ['extra field', { movie_id: m.id, profile_id: crypto.randomUUID() }],
  ];
  for (const [name, body] of bad)
    t.equal((await req('POST', '/movies/favourites', user.headers, body)).status, 400, name);
  t.equal((await req('DELETE', '/movies/favourites', user.headers)).status, 400, 'DELETE without movie_id');
  t.equal((await req('GET', '/movies/favourites?limit=500', user.headers)).status, 400, 'limit too high');
  t.equal((await req('GET', '/movies/favourites?page=0', user.headers)).status, 400, 'page 0');
  const unknown = await req('POST', '/movies/favourites', user.headers, { movie_id: 'm1' });
  t.equal(unknown.status, 404);
  t.equal((await req('POST', '/movies/favourites', {}, { movie_id: m.id })).status, 401);
  t.equal(
    (await req('POST', '/movies/favourites', { ...user.headers, 'x-profile-id': 'nope' }, { movie_id: m.id })).status,
    400,
    'bad X-Profile-Id',
  );
  t.equal((await req('GET', '/movies/favourites', user.headers)).body.data.pagination.total, 0);
});

t.test('a kids profile cannot favourite, watchlist or rate an R title, and never sees one', async (t) => {
  const user = await newUser(app);
  const kids = (await req('POST', '/profiles', user.headers, { name: 'Kids', is_kids: true })).body.data.profile.id;
  const r = await addMovie(app, { certification: 'R' });
  const g = await addMovie(app, { certification: 'G' });
  const asKids = { ...user.headers, 'x-profile-id': kids };
  const fav = await req('POST', '/movies/favourites', asKids, { movie_id: r.id });
  t.equal(fav.status, 403);
  t.equal(fav.body.error.code, 'CONTENT_RESTRICTED');
  t.equal(
    (await req('POST', `/profiles/${kids}/watchlist`, user.headers, { content_id: r.id })).body.error?.code,
    'CONTENT_RESTRICTED',
  );
  t.equal(
    (await req('POST', '/movies/ratings', asKids, { movie_id: r.id, rating: 'up' })).body.error?.code,
    'CONTENT_RESTRICTED',
  );
  t.equal((await req('POST', '/movies/favourites', asKids, { movie_id: g.id })).status, 201, 'a G title is fine');
  // The adult profile favourites the R title; the kids list still shows only the G one.
  t.equal((await req('POST', '/movies/favourites', user.headers, { movie_id: r.id })).status, 201);
  t.same(
    (await req('GET', '/movies/favourites', asKids)).body.data.movies.map((m: { id: string }) => m.id),
    [g.id],
  );
});

t.test('watchlist: add, list with flags, remove; both paths', async (t) => {
  const user = await newUser(app);
  const pid = await firstProfile(user);
  const m = await addMovie(app);
  const s = await addSeries(app, [2]);
  t.equal((await req('POST', `/profiles/${pid}/watchlist`, user.headers, { content_id: m.id })).status, 201);
  t.equal((await req('POST', `/users/profiles/${pid}/watchlist`, user.headers, { content_id: s.id })).status, 201);
  t.equal(
    (await req('POST', `/profiles/${pid}/watchlist`, user.headers, { content_id: s.id })).status,
    200,
    'idempotent',
  );
  await req('POST', '/movies/favourites', user.headers, { movie_id: m.id });
  const list = await req('GET', `/users/profiles/${pid}/watchlist`, user.headers);
  t.equal(list.status, 200);
  t.same(
    list.body.data.content.map((c: { id: string }) => c.id),
    [s.id, m.id],
  );
  t.match(list.body.data.content[0], { is_series: true, in_watchlist: true, is_favorite: false });
  t.match(list.body.data.content[1], { in_watchlist: true, is_favorite: true });
  t.equal((await req('DELETE', `/profiles/${pid}/watchlist/${m.id}`, user.headers)).body.data.changed, true);
  t.equal((await req('GET', `/profiles/${pid}/watchlist`, user.headers)).body.data.pagination.total, 1);
  // Validation
  t.equal((await req('POST', `/profiles/${pid}/watchlist`, user.headers, {})).status, 400, 'missing');
  t.equal((await req('POST', `/profiles/${pid}/watchlist`, user.headers, { content_id: 5 })).status, 400, 'wrong type');
  t.equal(
    (await req('POST', `/profiles/${pid}/watchlist`, user.headers, { content_id: m.id, x: 1 })).status,
    400,
    'extra field',
  );
  t.equal(
    (await req('POST', '/profiles/not-a-uuid/watchlist', user.headers, { content_id: m.id })).status,
    400,
    'bad profile id',
  );
  t.equal((await req('DELETE', `/profiles/${pid}/watchlist/bad!id`, user.headers)).status, 400, 'bad content id');
  t.equal(
    (await req('POST', `/profiles/${pid}/watchlist`, user.headers, { content_id: 's1' })).status,
    404,
    'unknown title',
  );
});

t.test('ratings: one per profile per title, CRUD, counts', async (t) => {
  const user = await newUser(app);
  const m = await addMovie(app);
  const created = await req('POST', '/movies/ratings', user.headers, { movie_id: m.id, rating: 'up' });
  t.equal(created.status, 201);
  const id = created.body.data.rating.id;
  t.match(created.body.data.rating, { id, movie_id: m.id, rating: 'up' });
  const again = await req('POST', '/movies/ratings', user.headers, { movie_id: m.id, rating: 'down' });
  t.equal(again.status, 200, 'a second POST changes the one rating');
  t.equal(again.body.data.rating.id, id);
  t.equal(again.body.data.rating.rating, 'down');
  t.equal((await req('GET', `/movies/ratings/${id}`, user.headers)).body.data.rating.rating, 'down');
  t.equal(
    (await req('PUT', `/movies/ratings/${id}`, user.headers, { movie_id: m.id, rating: 'up' })).body.data.rating.rating,
    'up',
  );
  t.equal(
    (await req('PATCH', `/movies/ratings/${id}`, user.headers, { rating: 'down' })).body.data.rating.rating,
    'down',
  );
  const list = await req('GET', '/movies/ratings', user.headers);
  t.equal(list.body.data.pagination.total, 1);
  const other = await newUser(app);
  await req('POST', '/movies/ratings', other.headers, { movie_id: m.id, rating: 'up' });
  t.same((await ratingCounts(app.em(), [m.id])).get(m.id), { upvotes: 1, downvotes: 1 });
  const fav = await req('POST', '/movies/favourites', user.headers, { movie_id: m.id });
  t.equal(fav.status, 201);
  t.equal(
    (await req('GET', '/movies/favourites', user.headers)).body.data.movies[0].user_rating,
    'down',
    'the card carries the rating',
  );

  // Validation
  const other2 = await addMovie(app);
  t.equal((await req('POST', '/movies/ratings', user.headers, { movie_id: m.id })).status, 400, 'missing rating');
  t.equal(
    (await req('POST', '/movies/ratings', user.headers, { movie_id: m.id, rating: 5 })).status,
    400,
    'wrong type',
  );
  t.equal(
    (await req('POST', '/movies/ratings', user.headers, { movie_id: m.id, rating: 'meh' })).status,
    400,
    'bad value',
  );
  t.equal(
    (await req('POST', '/movies/ratings', user.headers, { movie_id: m.id, rating: 'up', user_id: user.id })).status,
    400,
    'extra field',
  );
  t.equal(
    (await req('PUT', `/movies/ratings/${id}`, user.headers, { movie_id: other2.id, rating: 'up' })).status,
    400,
    'cannot move to another title',
  );
  t.equal((await req('PATCH', `/movies/ratings/${id}`, user.headers, {})).status, 400, 'PATCH empty');
  t.equal((await req('GET', '/movies/ratings/123', user.headers)).status, 400, 'bad id');
  t.equal((await req('GET', `/movies/ratings/${crypto.randomUUID()}`, user.headers)).status, 404, 'unknown id');

  t.equal((await req('DELETE', `/movies/ratings/${id}`, user.headers)).status, 200);
  t.equal((await req('DELETE', `/movies/ratings/${id}`, user.headers)).status, 404);
});

t.test('account A with B’s profile or rating ids: 404 for every verb, nothing changes', async (t) => {
  const a = await newUser(app);
  const b = await newUser(app);
  const bp = await firstProfile(b);
  const m = await addMovie(app);
  await req('POST', `/profiles/${bp}/watchlist`, b.headers, { content_id: m.id });
  await req('POST', '/movies/favourites', b.headers, { movie_id: m.id });
  const rid = (await req('POST', '/movies/ratings', b.headers, { movie_id: m.id, rating: 'up' })).body.data.rating.id;
  const asB = { ...a.headers, 'x-profile-id': bp };
  const attempts: Array<[Method, string, object, object?]> = [
    ['GET', `/profiles/${bp}/watchlist`, a.headers],
    ['POST', `/profiles/${bp}/watchlist`, a.headers, { content_id: m.id }],
    ['DELETE', `/profiles/${bp}/watchlist/${m.id}`, a.headers],
    ['GET', `/users/profiles/${bp}/watchlist`, a.headers],
    ['GET', '/movies/favourites', asB],
    ['POST', '/movies/favourites', asB, { movie_id: m.id }],
    ['DELETE', `/movies/favourites?movie_id=${m.id}`, asB],
    ['GET', `/movies/ratings/${rid}`, a.headers],
    ['PUT', `/movies/ratings/${rid}`, a.headers, { movie_id: m.id, rating: 'down' }],
    ['PATCH', `/movies/ratings/${rid}`, a.headers, { rating: 'down' }],
    ['DELETE', `/movies/ratings/${rid}`, a.headers],
    ['GET', '/movies/ratings', asB],
    ['POST', '/movies/ratings', asB, { movie_id: m.id, rating: 'down' }],
  ];
  for (const [method, url, headers, body] of attempts) {
    const res = await req(method, url, headers, body);
    t.equal(res.status, 404, `${method} ${url}`);
  }
  t.equal(
    (await req('GET', `/profiles/${bp}/watchlist`, b.headers)).body.data.pagination.total,
    1,
    'B’s watchlist intact',
  );
  t.equal((await req('GET', '/movies/favourites', b.headers)).body.data.pagination.total, 1, 'B’s favourites intact');
  t.equal((await req('GET', `/movies/ratings/${rid}`, b.headers)).body.data.rating.rating, 'up', 'B’s rating intact');
  t.equal((await req('GET', '/movies/ratings', a.headers)).body.data.pagination.total, 0, 'A has nothing');
});

t.test('20 parallel identical favourite POSTs leave one row', async (t) => {
  const user = await newUser(app);
  const m = await addMovie(app);
  const results = await Promise.all(
    Array.from({ length: 20 }, () => req('POST', '/movies/favourites', user.headers, { movie_id: m.id })),
  );
  t.ok(
    results.every((r) => r.status === 200 || r.status === 201),
    'every request succeeds',
  );
  t.equal(results.filter((r) => r.status === 201).length, 1, 'exactly one created it');
  const favourites = await req('GET', '/movies/favourites', user.headers);
  t.equal(favourites.body.data.pagination.total, 1, 'one favourite');
  t.equal(favourites.body.data.movies[0].id, m.id);
  const ratings = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      req('POST', '/movies/ratings', user.headers, { movie_id: m.id, rating: i % 2 ? 'up' : 'down' }),
    ),
  );
  t.ok(ratings.every((r) => r.status === 200 || r.status === 201));
  const rated = await req('GET', '/movies/ratings', user.headers);
  t.equal(rated.body.data.pagination.total, 1, 'one rating');
  const counts = (await ratingCounts(app.em(), [m.id])).get(m.id);
  t.equal((counts?.upvotes ?? 0) + (counts?.downvotes ?? 0), 1, 'one vote counted for the title');
});

t.test('card flags are per profile: what one profile keeps shows on its cards only', async (t) => {
  const user = await newUser(app);
  const m = await addMovie(app, { runtime: 100 });
  const main = await viewerOf(app, user);
  const other = await newProfile(app, user, { name: 'Other' });
  await collect(app, main, 'favourites', [m.id]);
  await collect(app, main, 'watchlist', [m.id]);
  await rateTitle(app, main, m.id, 'up');
  await watch(app, main, m.id, { position: 1234.6, duration: 6000 });

  const mine = await req('GET', '/movies/favourites', user.headers);
  t.match(mine.body.data.movies, [
    { id: m.id, is_favorite: true, in_watchlist: true, user_rating: 'up', resume_position: 1234 },
  ]);
  const watchlist = await req('GET', `/profiles/${other.id}/watchlist`, user.headers);
  t.same(watchlist.body.data.content, [], 'the other profile has its own watchlist');
  await collect(app, await viewerOf(app, user, other.id), 'watchlist', [m.id]);
  const theirs = await req('GET', `/profiles/${other.id}/watchlist`, user.headers);
  t.match(theirs.body.data.content, [
    { id: m.id, is_favorite: false, in_watchlist: true, user_rating: null, resume_position: null },
  ]);
});
