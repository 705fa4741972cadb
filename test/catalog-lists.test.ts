// The catalog read side on the seeded demo catalog: seed 003 / 001 shapes, pagination maths, the
// validation matrix, content ids and the two cache tiers.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';
import { invalidateCatalog } from '../services/catalog/cache.ts';

const app = await buildTestApp(t);
const get = (url: string, headers: Record<string, string> = {}) =>
  call(app, { method: 'GET', url: `/api/v1${url}`, headers });

const CARD_KEYS = [
  'id',
  'title',
  'poster',
  'backdrop',
  'synopsis',
  'release_date',
  'duration',
  'genres',
  'rating',
  'is_favorite',
  'is_series',
  'in_watchlist',
  'user_rating',
  'resume_position',
  'certification',
].sort();

t.test('the demo catalog is seeded once, with series, seasons, episodes and credits', async (t) => {
  const [counts] = await app
    .em()
    .execute(`select (select count(*) from titles) as titles, (select count(*) from titles where kind = 'series') as series,
    (select count(*) from episodes) as episodes, (select count(*) from credits) as credits, (select count(*) from titles where search_vector is null) as unindexed`);
  t.ok(Number(counts.titles) >= 200, 'at least 200 titles');
  t.ok(Number(counts.series) >= 15, 'at least 15 series');
  t.ok(Number(counts.episodes) > 0 && Number(counts.credits) > 0);
  t.equal(Number(counts.unindexed), 0, 'every title has a search vector');
});

t.test('GET /movies/popular: MOVIE_LIST shape and pagination maths', async (t) => {
  const res = await get('/movies/popular?page=2&limit=7');
  t.equal(res.status, 200);
  t.equal(res.body.success, true);
  const { movies, pagination } = res.body.data;
  t.equal(movies.length, 7);
  t.same(Object.keys(movies[0]).sort(), CARD_KEYS);
  t.match(pagination, { page: 2, limit: 7 });
  t.equal(pagination.total_pages, Math.ceil(pagination.total / 7));
  const first = await get('/movies/popular?limit=14');
  t.same(
    first.body.data.movies.slice(7).map((m: any) => m.id),
    movies.map((m: any) => m.id),
    'page 2 continues page 1',
  );
  const godfather = (await get('/movies/m238')).body.data.movie;
  t.match(
    godfather.synopsis,
    /^A 1972 crime drama directed by Francis Ford Coppola, starring Marlon Brando and Al Pacino\./,
  );
  const last = await get(`/movies/popular?limit=50&page=${Math.ceil(pagination.total / 50)}`);
  t.equal(
    last.body.data.movies.length,
    pagination.total - 50 * (Math.ceil(pagination.total / 50) - 1),
    'the last page holds the rest',
  );
  const beyond = await get('/movies/popular?limit=50&page=1000');
  t.same(beyond.body.data.movies, []);
});

t.test('GET /movies/coming-soon: only titles released after today, soonest first', async (t) => {
  const res = await get('/movies/coming-soon?limit=50');
  t.equal(res.status, 200);
  const today = new Date().toISOString().slice(0, 10);
  const dates = res.body.data.movies.map((m: any) => m.release_date);
  t.ok(dates.length > 0);
  t.ok(dates.every((d: string) => d > today));
  t.same(dates, [...dates].sort());
});

t.test('GET /movies/:id: MOVIE_DETAILS for a movie and a series; bare number; 400 / 404', async (t) => {
  const movie = await get('/movies/238');
  t.equal(movie.status, 200);
  const m = movie.body.data.movie;
  t.match(m, {
    id: 'm238',
    is_series: false,
    is_favorite: false,
    title: 'The Godfather',
    language: 'English',
    runtime: Number,
    genres: ['Drama', 'Crime'],
    reviews: [],
    upvotes: 0,
    downvotes: 0,
  });
  for (const key of [
    'network_logo',
    'backdrop_url',
    'poster_url',
    'homepage',
    'synopsis',
    'release_date',
    'rating',
    'seasons',
    'cast',
    'recommendations',
  ])
    t.ok(key in m, key);
  t.match(m.cast[0], { id: String, name: 'Marlon Brando', profile_path: null, character: String, order: 0 });
  t.ok(
    m.recommendations.length > 0 &&
      m.recommendations.every(
        (r: any) => r.id !== 'm238' && r.genres.some((g: string) => ['Drama', 'Crime'].includes(g)),
      ),
    'same-genre recommendations',
  );
  t.same(Object.keys(m.recommendations[0]).sort(), CARD_KEYS);

  const series = await get('/movies/s1399');
  const s = series.body.data.movie;
  t.match(s, { id: 's1399', is_series: true, runtime: null, network: 'HBO' });
  t.ok(s.seasons.length >= 1);
  t.match(s.seasons[0], { id: String, season_number: 1, name: 'Season 1', episode_count: Number, episodes: Array });
  t.equal(s.seasons[0].episodes.length, s.seasons[0].episode_count);
  t.match(s.seasons[0].episodes[0], { id: String, name: String, episode_number: 1, season_number: 1 });

  t.equal((await get('/movies/s238')).status, 404, 'a movie number is not a series id');
  const unknown = await get('/movies/m999999999');
  t.equal(unknown.status, 404);
  t.equal(unknown.body.error.code, 'NOT_FOUND');
  t.equal((await get('/movies/oabc12345')).status, 404, 'an unknown original');
  for (const bad of ['x1', 'm', 'm1x', 'o1', '12345678901', 'm-1', '%20']) {
    const res = await get(`/movies/${bad}`);
    t.equal(res.status, 400, bad);
    t.equal(res.body.error.code, 'INVALID_REQUEST', bad);
  }
  const content = await get('/content/s1399');
  t.equal(content.status, 200);
  t.equal(content.body.data.content.id, 's1399');
});

t.test('/movies/genres still answers next to /movies/:id', async (t) => {
  const res = await get('/movies/genres');
  t.equal(res.status, 200);
  t.ok(res.body.data.genres.length > 10);
});

t.test('validation matrix for list queries', async (t) => {
  const cases: Array<[string, number]> = [
    ['/movies/popular?limit=0', 400],
    ['/movies/popular?limit=100000', 400],
    ['/movies/popular?limit=51', 400],
    ['/movies/popular?page=-1', 400],
    ['/movies/popular?page=0', 400],
    ['/movies/popular?page=abc', 400],
    ['/movies/popular?unknown=1', 200],
    ['/movies/search', 400],
    ['/movies/search?q=', 400],
    [`/movies/search?q=${'x'.repeat(10_000)}`, 400],
    ['/movies/search?q=ok&limit=51', 400],
    ['/content/browse?limit=100', 200],
    ['/content/browse?limit=101', 400],
    ['/content/browse?type=documentary', 200],
    ['/content/browse?type=podcast', 400],
    ['/content/browse?sort=name', 400],
    ['/content/browse?rating=XXX', 400],
    ['/content/browse?genre=abc', 400],
    ['/content/browse?year_from=99', 400],
    ['/content/new-releases?days=0', 400],
    ['/search?q=a&limit=51', 400],
    ['/search?q=a&type=person', 400],
    [`/search?q=${'y'.repeat(10_000)}`, 400],
  ];
  for (const [url, status] of cases) {
    const res = await get(url);
    t.equal(res.status, status, url);
    if (status === 400) t.equal(res.body.error.code, 'INVALID_REQUEST', url);
  }
});

t.test('GET /content/browse: filters, sorts, total and has_next', async (t) => {
  const all = await get('/content/browse?limit=100');
  t.equal(all.status, 200);
  t.match(all.body.data.pagination, { page: 1, limit: 100, total: Number, has_next: true });
  const item = all.body.data.content[0];
  for (const key of [...CARD_KEYS, 'type', 'release_year', 'seasons', 'episodes', 'cast', 'director'])
    t.ok(key in item, key);

  const drama = await get('/content/browse?genre=18&limit=100');
  t.ok(drama.body.data.content.every((c: any) => c.genres.includes('Drama')));
  const pops = drama.body.data.content.map((c: any) => c.id);
  t.ok(pops.length > 0);

  const series = await get('/content/browse?type=series&limit=100');
  t.ok(series.body.data.content.length >= 15);
  t.ok(series.body.data.content.every((c: any) => c.type === 'series' && c.is_series && typeof c.seasons === 'number'));

  const r = await get('/content/browse?rating=R&limit=100');
  t.ok(r.body.data.content.every((c: any) => c.certification === 'R'));

  const years = await get('/content/browse?year_from=1970&year_to=1979&sort=release_date&limit=100');
  const dates = years.body.data.content.map((c: any) => c.release_date);
  t.ok(dates.length > 0 && dates.every((d: string) => d >= '1970-01-01' && d <= '1979-12-31'));
  t.same(dates, [...dates].sort().reverse(), 'newest first');

  const rated = await get('/content/browse?sort=rating&limit=20');
  const ratings = rated.body.data.content.map((c: any) => c.rating);
  t.same(
    ratings,
    [...ratings].sort((a: number, b: number) => b - a),
  );

  const lang = await get('/content/browse?language=ja&limit=100');
  t.ok(lang.body.data.content.length > 0);

  for (const sort of ['release_date', 'rating'] as const) {
    const page = await get(`/content/browse?genre=18&sort=${sort}&limit=100`);
    const keys = page.body.data.content.map((c: any) => (sort === 'rating' ? c.rating : (c.release_date ?? '')));
    t.ok(
      page.body.data.content.every((c: any) => c.genres.includes('Drama')),
      `genre + ${sort}`,
    );
    t.same(
      keys,
      [...keys].sort((a: any, b: any) => (a < b ? 1 : a > b ? -1 : 0)),
      `genre + ${sort} ordered`,
    );
    t.equal(page.body.data.pagination.total, drama.body.data.pagination.total);
  }
  // The genre sort keys follow the title (kept by triggers, whoever writes the title).
  await app.em().execute(`update titles set release_date = '2099-01-01' where id = 'm238'`);
  await invalidateCatalog(app.cache);
  t.equal((await get('/content/browse?genre=18&sort=release_date&limit=1')).body.data.content[0].id, 'm238');
  await app.em().execute(`update titles set release_date = '1972-03-14' where id = 'm238'`);
  await invalidateCatalog(app.cache);

  const lastPage = Math.ceil(all.body.data.pagination.total / 100);
  const end = await get(`/content/browse?limit=100&page=${lastPage}`);
  t.equal(end.body.data.pagination.has_next, false);
});

t.test('GET /content/new-releases and /content/trending', async (t) => {
  const fresh = await get('/content/new-releases?days=3650&limit=50');
  t.equal(fresh.status, 200);
  const today = new Date().toISOString().slice(0, 10);
  const dates = fresh.body.data.content.map((c: any) => c.release_date);
  t.ok(dates.length > 0);
  t.ok(dates.every((d: string) => d <= today));
  t.same(dates, [...dates].sort().reverse());

  const trending = await get('/content/trending?limit=5');
  t.equal(trending.status, 200);
  t.equal(trending.body.data.content.length, 5);
  t.match(trending.body.data.pagination, { page: 1, limit: 5, has_next: true });
});

t.test('anonymous lists are served from cache; invalidateCatalog drops them', async (t) => {
  const first = await get('/movies/popular?limit=3');
  const top = first.body.data.movies[0];
  await app.em().execute('update titles set title = ? where id = ?', ['Renamed Behind The Cache', top.id]);
  const second = await get('/movies/popular?limit=3');
  t.equal(second.body.data.movies[0].title, top.title, 'the second request did not read the table');
  t.equal(second.headers['content-type'], 'application/json; charset=utf-8');
  await invalidateCatalog(app.cache);
  const third = await get('/movies/popular?limit=3');
  t.equal(third.body.data.movies[0].title, 'Renamed Behind The Cache');
  await app.em().execute('update titles set title = ? where id = ?', [top.title, top.id]);
  await invalidateCatalog(app.cache, top.id);
});

t.test('a signed-in caller gets the same list with flags', async (t) => {
  const user = await newUser(app);
  const res = await get('/movies/popular?limit=5', user.headers);
  t.equal(res.status, 200);
  t.same(Object.keys(res.body.data.movies[0]).sort(), CARD_KEYS);
  t.match(res.body.data.movies[0], { is_favorite: false, in_watchlist: false, user_rating: null });
  const bad = await get('/movies/popular', { authorization: 'Bearer not-a-valid-token-at-all' });
  t.equal(bad.status, 401);
});
