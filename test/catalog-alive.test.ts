// The catalog out of the box: on a fresh install every list has titles (dates placed relative to the first
// start), coming soon runs soonest first, new releases follow the date a title became available here,
// every demo title has generated artwork that can be fetched, and some carry the demo reviews. With TMDb,
// stored titles keep their reviews and coming soon runs soonest first too.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call } from './helpers/factories.ts';
import { addMovie } from './helpers/titles.ts';
import { startTmdbServer } from './support/tmdb-server.ts';
import { invalidateCatalog } from '../services/catalog/cache.ts';

const DAY = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);
const daysFromNow = (day: string) => Math.round((Date.parse(day) - Date.parse(today())) / DAY);

t.test('fresh demo install', async (t) => {
  const app = await buildTestApp(t);
  const get = (url: string, headers: Record<string, string> = {}) =>
    call(app, { method: 'GET', url: `/api/v1${url}`, headers });

  t.test('every list has titles', async (t) => {
    for (const url of ['/movies/popular', '/movies/coming-soon', '/content/new-releases', '/content/trending']) {
      const res = await get(url);
      t.equal(res.status, 200, url);
      const items = res.body.data.movies ?? res.body.data.content;
      t.ok(items.length >= 5, `${url} lists at least 5 titles`);
    }
  });

  t.test('coming soon: only unreleased titles, soonest first, the first within weeks', async (t) => {
    const soon = (await get('/movies/coming-soon?limit=50')).body.data.movies;
    const dates = soon.map((m: any) => m.release_date);
    t.ok(
      dates.every((d: string) => d > today()),
      'all in the future',
    );
    t.same(dates, [...dates].sort(), 'soonest first');
    t.ok(daysFromNow(dates[0]) <= 30, `the first comes out within a month (${dates[0]})`);
  });

  t.test('new releases: out already, recently added, the newest release was weeks ago', async (t) => {
    const fresh = (await get('/content/new-releases?limit=50')).body.data.content;
    t.ok(fresh.length >= 10);
    t.ok(
      fresh.every((c: any) => c.release_date === null || c.release_date <= today()),
      'nothing unreleased',
    );
    const newest = fresh
      .map((c: any) => c.release_date)
      .sort()
      .at(-1);
    t.ok(daysFromNow(newest) >= -30, `a release of the last month is among them (${newest})`);
  });

  t.test('new releases follow the date a title was added here, release date breaking ties', async (t) => {
    // An old film added now is new on this platform: it goes first, ahead of the demo's recent releases.
    const added = await addMovie(app, { title: 'An Old Film Added Today' });
    await invalidateCatalog(app.cache);
    const fresh = (await get('/content/new-releases?limit=5')).body.data.content;
    t.equal(fresh[0].id, added.id);
    t.equal(fresh[0].release_date, '2020-01-01');
    const short = (await get('/content/new-releases?days=1&limit=50')).body.data;
    t.ok(
      short.content.some((c: any) => c.id === added.id),
      'days counts from the date added',
    );
    const wide = (await get('/content/new-releases?days=90&limit=1')).body.data;
    t.ok(short.pagination.total < wide.pagination.total, 'a day holds fewer titles than 90 days');
  });

  t.test('generated posters and backdrops: fetchable images, the same every time, cached', async (t) => {
    const cards = (await get('/content/browse?limit=3')).body.data.content;
    for (const card of cards) {
      t.match(card.poster, /^\/api\/v1\/artwork\/[ms]\d+\/poster\.svg$/);
      t.equal(card.thumbnail_url, card.poster);
      t.match(card.backdrop, /^\/api\/v1\/artwork\/[ms]\d+\/backdrop\.svg$/);
    }
    const poster = await app.inject({ method: 'GET', url: cards[0].poster });
    t.equal(poster.statusCode, 200);
    t.match(poster.headers['content-type'], /^image\/svg\+xml/);
    t.match(poster.headers['cache-control'], /max-age=\d+/);
    t.match(poster.body, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    t.ok(poster.body.includes('<title>'), 'names the title');
    t.ok(poster.body.length < 4096, `small (${poster.body.length} bytes)`);
    const again = await app.inject({ method: 'GET', url: cards[0].poster });
    t.equal(again.body, poster.body, 'deterministic');
    const other = await app.inject({ method: 'GET', url: cards[1].poster });
    t.not(other.body, poster.body, 'each title has its own');
    const cached = await app.inject({
      method: 'GET',
      url: cards[0].poster,
      headers: { 'if-none-match': String(poster.headers.etag) },
    });
    t.equal(cached.statusCode, 304);
    const backdrop = await app.inject({ method: 'GET', url: cards[0].backdrop });
    t.equal(backdrop.statusCode, 200);
    t.match(backdrop.body, /viewBox="0 0 1280 720"/);
    const details = (await get(`/movies/${cards[0].id}`)).body.data.movie;
    t.equal(details.poster_url, cards[0].poster);
    t.equal(details.backdrop_url, cards[0].backdrop);
  });

  t.test('artwork escapes the title and refuses what is not a title picture', async (t) => {
    const odd = await addMovie(app, { title: 'Tom & Jerry <b>"Live"</b>' });
    const res = await app.inject({ method: 'GET', url: `/api/v1/artwork/${odd.id}/poster.svg` });
    t.equal(res.statusCode, 200);
    t.ok(res.body.includes('Tom &amp; Jerry &lt;b&gt;&quot;Live&quot;&lt;/b&gt;'));
    t.notOk(res.body.includes('<b>'));
    t.equal((await app.inject({ method: 'GET', url: '/api/v1/artwork/m1/poster.svg' })).statusCode, 404);
    t.equal((await app.inject({ method: 'GET', url: `/api/v1/artwork/${odd.id}/logo.svg` })).statusCode, 400);
    t.equal((await app.inject({ method: 'GET', url: '/api/v1/artwork/..%2Fx/poster.svg' })).statusCode, 400);
  });

  t.test('demo reviews on the details', async (t) => {
    const godfather = (await get('/movies/m238')).body.data.movie;
    t.ok(godfather.reviews.length >= 2);
    t.match(godfather.reviews[0], { id: String, author: String, content: String, rating: Number });
    t.ok(Date.parse(godfather.reviews[0].created_at) <= Date.now());
    t.same((await get('/movies/s1399')).body.data.movie.reviews.length, 2);
  });
});

t.test('with TMDb: stored titles keep their reviews; coming soon soonest first', async (t) => {
  const token = 'tmdb-test-token-0123456789';
  const tmdb = await startTmdbServer({ token });
  t.teardown(() => tmdb.close());
  const app = await buildTestApp(t, { TMDB_ACCESS_TOKEN: token, TMDB_BASE_URL: tmdb.url, TMDB_TIMEOUT_MS: '400' });
  const get = (url: string) => call(app, { method: 'GET', url: `/api/v1${url}` });
  const m = tmdb.fixtures.movies.find((x) => (x.reviews?.results.length ?? 0) > 0)!;

  const first = (await get(`/movies/m${m.id}`)).body.data.movie;
  t.equal(first.reviews.length, m.reviews!.results.length);
  const [row] = await app.em().execute('select count(*) as n from reviews where title_id = ?', [`m${m.id}`]);
  t.equal(Number(row.n), m.reviews!.results.length, 'stored with the title');
  // The cached details gone, the stored title is served from the tables: its reviews come with it.
  await invalidateCatalog(app.cache);
  const hits = tmdb.hits(`/movie/${m.id}`);
  const stored = (await get(`/movies/m${m.id}`)).body.data.movie;
  t.equal(tmdb.hits(`/movie/${m.id}`), hits, 'no upstream call');
  t.same(stored.reviews.map((r: any) => r.id).sort(), m.reviews!.results.map((r) => r.id).sort());

  const soon = (await get('/movies/coming-soon?limit=50')).body.data.movies;
  const dates = soon.map((x: any) => x.release_date);
  t.ok(dates.length > 1);
  t.same(dates, [...dates].sort(), 'soonest first');
  const second = (await get('/movies/coming-soon?page=2&limit=3')).body.data.movies;
  t.same(
    second.map((x: any) => x.id),
    soon.slice(3, 6).map((x: any) => x.id),
    'pages continue the same order',
  );
});
