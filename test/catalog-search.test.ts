// Search relevance (exact title first, typos, cast, director and genre) and the maturity ceiling on every
// list, search and details request (teen accounts, kids profiles).
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';
import { maturityLevel } from '../services/catalog/maturity.ts';

const app = await buildTestApp(t);
const get = (url: string, headers: Record<string, string> = {}) =>
  call(app, { method: 'GET', url: `/api/v1${url}`, headers });
const ids = (list: Array<{ id: string }>) => list.map((x) => x.id);

t.test('exact title first, then the rest by relevance', async (t) => {
  const res = await get('/search?q=The%20Godfather&limit=5');
  t.equal(res.status, 200);
  const { results, total_results, query } = res.body.data;
  t.equal(query, 'the godfather');
  t.ok(total_results >= 2);
  t.match(results[0], { id: 'm238', title: 'The Godfather', type: 'movie', match_score: 1 });
  t.equal(results[1].id, 'm240', 'Part II next');
  t.ok(results.every((r: any) => r.match_score >= 0 && r.match_score <= 1));
  const scores = results.map((r: any) => r.match_score);
  t.same(
    scores,
    [...scores].sort((a: number, b: number) => b - a),
    'ordered by score',
  );
});

t.test('typos still find the title', async (t) => {
  for (const q of ['godfater', 'the godfahter', 'stranger thngs', 'interstellr']) {
    const res = await get(`/movies/search?q=${encodeURIComponent(q)}&limit=3`);
    t.equal(res.status, 200, q);
    t.ok(res.body.data.movies.length > 0, `${q} finds something`);
  }
  t.equal((await get('/movies/search?q=godfater&limit=3')).body.data.movies[0].id, 'm238');
  t.equal((await get('/movies/search?q=stranger%20thngs&limit=3')).body.data.movies[0].id, 's66732');
});

t.test('cast, director and genre match', async (t) => {
  const cast = await get('/search?q=al%20pacino&limit=50');
  t.ok(ids(cast.body.data.results).includes('m238'), 'Al Pacino finds The Godfather');
  const director = await get('/search?q=Christopher%20Nolan&limit=50');
  const titles = director.body.data.results.map((r: any) => r.title);
  t.ok(titles.includes('Inception') || titles.includes('Interstellar'), 'Christopher Nolan finds his films');
  const genre = await get('/search?q=western&limit=50');
  t.ok(genre.body.data.results.length > 0 && genre.body.data.results.some((r: any) => r.genres.includes('Western')));
  const series = await get('/search?q=thrones&type=series');
  t.ok(series.body.data.results.every((r: any) => r.type === 'series'));
  t.equal(series.body.data.results[0].id, 's1399');
  const none = await get('/search?q=zzqxjv');
  t.same(none.body.data, { results: [], total_results: 0, query: 'zzqxjv' });
  const punctuation = await get('/search?q=%21%21%21');
  t.equal(punctuation.status, 200);
});

t.test('/movies/search pages through MOVIE_LIST', async (t) => {
  const one = await get('/movies/search?q=drama&limit=5&page=1');
  const two = await get('/movies/search?q=drama&limit=5&page=2');
  t.equal(one.status, 200);
  t.equal(one.body.data.pagination.total, two.body.data.pagination.total);
  t.equal(one.body.data.pagination.total_pages, Math.ceil(one.body.data.pagination.total / 5));
  t.same(
    ids(one.body.data.movies).filter((id) => ids(two.body.data.movies).includes(id)),
    [],
    'pages do not overlap',
  );
});

t.test('a teen account never sees R / TV-MA titles and gets 403 on their details', async (t) => {
  const user = await newUser(app);
  const upd = await call(app, {
    method: 'POST',
    url: '/api/v1/profile',
    headers: user.headers,
    payload: { maturity_filter: 'teen' },
  });
  t.equal(upd.status, 200);
  const lists = [
    (await get('/movies/popular?limit=50', user.headers)).body.data.movies,
    (await get('/movies/coming-soon?limit=50', user.headers)).body.data.movies,
    (await get('/movies/search?q=godfather&limit=50', user.headers)).body.data.movies,
    (await get('/content/browse?limit=100', user.headers)).body.data.content,
    (await get('/content/browse?genre=80&limit=100', user.headers)).body.data.content,
    (await get('/content/trending?limit=100', user.headers)).body.data.content,
    (await get('/content/new-releases?days=3650&limit=100', user.headers)).body.data.content,
    (await get('/search?q=godfather&limit=50', user.headers)).body.data.results,
  ];
  for (const list of lists)
    t.ok(
      list.every((c: any) => maturityLevel(c.certification) <= 2),
      'nothing above teen',
    );
  t.notOk(ids(lists[2]).includes('m238'), 'The Godfather (R) is not found');
  const restricted = await get('/movies/m238', user.headers);
  t.equal(restricted.status, 403);
  t.equal(restricted.body.error.code, 'CONTENT_RESTRICTED');
  t.equal((await get('/content/s1399', user.headers)).status, 403, 'TV-MA series');
  t.equal((await get('/movies/m238')).status, 200, 'anonymous callers have no ceiling');
  const rated = await get('/content/browse?rating=R', user.headers);
  t.same(rated.body.data.content, [], 'filtering for R gives nothing');
  const ok = (await get('/movies/popular?limit=50', user.headers)).body.data.movies.find(
    (m: any) => m.certification === 'PG-13',
  );
  const details = await get(`/movies/${ok.id}`, user.headers);
  t.equal(details.status, 200);
  t.ok(details.body.data.movie.recommendations.every((r: any) => maturityLevel(r.certification) <= 2));
});

t.test('a kids profile sees only kids titles', async (t) => {
  const user = await newUser(app);
  const kidsId = crypto.randomUUID();
  await app
    .em()
    .execute(
      `insert into viewer_profiles (id, user_id, name, is_kids, maturity_rating, position) values (?, ?, 'Kids', true, 'TV-Y', 5)`,
      [kidsId, user.id],
    );
  const headers = { ...user.headers, 'x-profile-id': kidsId };
  const popular = (await get('/movies/popular?limit=50', headers)).body.data.movies;
  t.ok(popular.length > 0);
  t.ok(
    popular.every((m: any) => maturityLevel(m.certification) === 0),
    'kids levels only',
  );
  const browse = (await get('/content/browse?limit=100', headers)).body.data;
  t.ok(browse.content.every((m: any) => maturityLevel(m.certification) === 0));
  const all = (await get('/content/browse?limit=100')).body.data.pagination.total;
  t.ok(browse.pagination.total < all, 'the total counts only what the profile may see');
  t.equal((await get('/movies/238', headers)).status, 403);
  const pg = (await get('/content/browse?rating=PG&limit=1')).body.data.content[0];
  t.equal((await get(`/movies/${pg.id}`, headers)).status, 403, 'PG is above kids');
  const other = await get('/movies/popular', { ...user.headers, 'x-profile-id': crypto.randomUUID() });
  t.equal(other.status, 404, 'a profile of nobody');
});
