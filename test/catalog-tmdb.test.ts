// TMDb mode against the local TMDb look-alike: lists and details from upstream, details read through into
// the tables, cached copies served while TMDb fails, and 503 (never 500, never a hang) with nothing cached.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';
import { startTmdbServer } from './support/tmdb-server.ts';
import { invalidateCatalog } from '../services/catalog/cache.ts';

const token = 'tmdb-test-token-0123456789';
const tmdb = await startTmdbServer({ token });
t.teardown(() => tmdb.close());
const app = await buildTestApp(t, { TMDB_ACCESS_TOKEN: token, TMDB_BASE_URL: tmdb.url, TMDB_TIMEOUT_MS: '400' });
const get = (url: string, headers: Record<string, string> = {}) =>
  call(app, { method: 'GET', url: `/api/v1${url}`, headers });
const { fixtures } = tmdb;
const movie = (id: number) => fixtures.movies.find((m) => m.id === id)!;

t.test('TMDb mode does not seed the demo catalog', async (t) => {
  t.equal(app.catalog.mode, 'tmdb');
  const [row] = await app.em().execute('select count(*) as n from titles');
  t.equal(Number(row.n), 0);
});

t.test('GET /movies/popular maps TMDb pages to MOVIE_LIST, across page boundaries', async (t) => {
  const res = await get('/movies/popular');
  t.equal(res.status, 200);
  const first = movie(fixtures.lists.popular[0]!);
  t.match(res.body.data.movies[0], {
    id: `m${first.id}`,
    title: first.title,
    is_series: false,
    is_favorite: false,
    synopsis: first.overview,
    release_date: first.release_date,
  });
  t.match(res.body.data.movies[0].backdrop, /^https:\/\/image\.tmdb\.org\/t\/p\/w500\//);
  t.equal(res.body.data.movies.length, 20);
  t.equal(res.body.data.pagination.total, fixtures.lists.popular.length);
  const window = await get('/movies/popular?page=2&limit=15');
  t.same(
    window.body.data.movies.map((m: any) => m.id),
    fixtures.lists.popular.slice(15, 30).map((id) => `m${id}`),
    'items 16-30 span TMDb pages 1 and 2',
  );
  const soon = await get('/movies/coming-soon?limit=10');
  t.equal(soon.status, 200);
  t.ok(
    soon.body.data.movies.length > 0 &&
      soon.body.data.movies.every((m: any) => m.release_date > new Date().toISOString().slice(0, 10)),
  );
  const search = await get(`/movies/search?q=${encodeURIComponent(first.title)}`);
  t.equal(search.status, 200);
  t.ok(search.body.data.movies.some((m: any) => m.id === `m${first.id}`));
});

t.test('GET /movies/:id reads the title through into the tables', async (t) => {
  const m = movie(fixtures.lists.popular[1]!);
  const res = await get(`/movies/${m.id}`);
  t.equal(res.status, 200);
  const d = res.body.data.movie;
  t.match(d, { id: `m${m.id}`, title: m.title, runtime: m.runtime, synopsis: m.overview, is_series: false });
  t.equal(
    d.certification,
    m.release_dates!.results.find((r) => r.iso_3166_1 === 'US')!.release_dates[0]!.certification || 'NR',
  );
  t.ok(d.cast.length > 0 && d.cast[0].name);
  t.equal(d.reviews.length, m.reviews!.results.length);
  const [row] = await app.em().execute('select title, details_synced_at from titles where id = ?', [`m${m.id}`]);
  t.equal(row.title, m.title);
  t.ok(row.details_synced_at, 'stored with its details');
  const hits = tmdb.hits(`/movie/${m.id}`);
  await get(`/movies/m${m.id}`);
  t.equal(tmdb.hits(`/movie/${m.id}`), hits, 'the second read makes no upstream call');

  const tv = fixtures.tv[0]!;
  const series = await get(`/movies/s${tv.id}`);
  t.equal(series.status, 200);
  t.match(series.body.data.movie, {
    id: `s${tv.id}`,
    is_series: true,
    runtime: null,
    network: tv.networks[0]?.name ?? null,
  });
  t.equal(series.body.data.movie.seasons.length, tv.seasons.length);
  t.ok(series.body.data.movie.seasons[0].episodes.length > 0, 'episodes of each season');
  t.equal((await get('/movies/m999999')).status, 404);
  const user = await newUser(app);
  t.equal((await get(`/movies/${m.id}`, user.headers)).status, 200, 'a signed-in caller too');
});

t.test('a bare number no TMDb movie has is read as the series', async (t) => {
  const tv = fixtures.tv.find((s) => !fixtures.movies.some((m) => m.id === s.id))!;
  const res = await get(`/movies/${tv.id}`);
  t.equal(res.status, 200);
  t.match(res.body.data.movie, { id: `s${tv.id}`, is_series: true });
  t.ok(tmdb.hits(`/movie/${tv.id}`) > 0, 'the movie was asked for first');
  t.equal((await get('/movies/999999')).status, 404, 'neither a movie nor a series');
});

t.test('TMDb failing: cached data is served with 200', async (t) => {
  await get('/movies/popular?page=2');
  const m = movie(fixtures.lists.popular[2]!);
  await get(`/movies/m${m.id}`);
  await invalidateCatalog(app.cache);
  tmdb.failAlways({ status: 500 });
  t.teardown(() => tmdb.failAlways(null));
  const list = await get('/movies/popular?page=2');
  t.equal(list.status, 200, 'the client’s copy of the page');
  t.equal(list.body.data.movies.length, 20);
  const details = await get(`/movies/m${m.id}`);
  t.equal(details.status, 200, 'the copy in the tables');
  t.equal(details.body.data.movie.title, m.title);
});

t.test('TMDb failing with nothing cached: 503 SERVICE_UNAVAILABLE, never 500', async (t) => {
  t.teardown(() => tmdb.failAlways(null));
  for (const mode of [{ status: 500 }, { status: 429, retryAfter: 1 }, { garbage: true }, { delayMs: 3000 }]) {
    tmdb.failAlways(mode);
    const started = Date.now();
    const list = await get(`/movies/popular?page=${5 + Math.floor(Math.random() * 100)}`);
    t.equal(list.status, 503, JSON.stringify(mode));
    t.equal(list.body.error.code, 'SERVICE_UNAVAILABLE');
    t.ok(Date.now() - started < 10_000, 'no hang');
    const m = movie(fixtures.lists.popular[40]!);
    const details = await get(`/movies/m${m.id}`);
    t.equal(details.status, 503, `details ${JSON.stringify(mode)}`);
  }
});
