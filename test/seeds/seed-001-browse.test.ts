// Seed 001 (the Netflix design), content discovery as its client walks it: browse with genre words and
// types, the card fields of its example, pagination with has_next, trending, new releases, one title,
// search, and the rate-limit headers it documents. Field names are seed 001's.
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { call } from '../helpers/factories.ts';
import { upsertTitles } from '../../services/catalog/store.ts';
import type { Em } from '../../services/db/orm.ts';
import { invalidateCatalog } from '../../services/catalog/cache.ts';

const app = await buildTestApp(t);
const get = (url: string) => call(app, { method: 'GET', url: `/api/v1${url}` });
const browse = async (query: string) => {
  const res = await get(`/content/browse?${query}`);
  t.equal(res.status, 200, `browse?${query}`);
  return res.body.data as { content: any[]; pagination: any };
};

// The demo catalog has no documentary: one is added, as an import would.
const DOC = 'm990001';
await app.em().transactional((tx) =>
  upsertTitles(tx as Em, [
    {
      id: DOC,
      kind: 'movie',
      source: 'local',
      tmdb_id: 990001,
      title: 'Oceans Below',
      original_title: null,
      original_language: 'en',
      overview: 'Life in the deep sea.',
      release_date: '2021-05-01',
      runtime: 90,
      certification: 'G',
      genre_ids: [99],
      poster_path: null,
      backdrop_path: null,
      homepage: null,
      network: null,
      network_logo_path: null,
      popularity: 1,
      vote_average: 7,
      vote_count: 10,
      season_count: null,
      episode_count: null,
      details: true,
    },
  ]),
);
await invalidateCatalog(app.cache);

t.test('GET /content/browse: the card of seed 001 and its pagination', async (t) => {
  const { content, pagination } = await browse('');
  t.equal(content.length, 20, 'limit defaults to 20');
  t.match(pagination, { page: 1, limit: 20, total: Number, has_next: true });
  for (const c of content) {
    t.match(c, {
      id: String,
      title: String,
      type: /^(movie|series)$/,
      genre: Array,
      certification: String,
      release_year: Number,
      thumbnail_url: /^\/api\/v1\/artwork\/.+\/poster\.svg$/,
      description: String,
      cast: Array,
    });
    t.same(c.genre, c.genres);
    t.equal(c.description, c.synopsis);
    t.ok(c.description.length > 20, 'a real description');
    t.ok(c.director === null || typeof c.director === 'string');
    if (c.runtime !== null) t.equal(c.duration, c.runtime * 60, 'duration in seconds');
  }
  t.ok(
    content.some((c) => c.cast.length >= 2 && c.director),
    'top cast and director',
  );
  const last = await browse(`page=${Math.ceil(pagination.total / 100)}&limit=100`);
  t.equal(last.pagination.has_next, false);
});

t.test('series cards carry seasons and episodes', async (t) => {
  const { content } = await browse('type=series&limit=50');
  t.ok(content.length >= 15);
  for (const c of content) {
    t.equal(c.type, 'series');
    t.ok(c.seasons >= 1 && c.episodes >= 1, `${c.title}: ${c.seasons} seasons, ${c.episodes} episodes`);
  }
  const movies = await browse('type=movie&limit=5');
  t.ok(movies.content.every((c) => c.type === 'movie' && c.seasons === null && c.episodes === null));
});

t.test('genre by word: action, Action and the ids name the same titles, series included', async (t) => {
  const action = await browse('genre=action&limit=100');
  t.ok(action.content.length > 10);
  t.ok(action.content.every((c) => c.genre.includes('Action') || c.genre.includes('Action & Adventure')));
  t.ok(
    action.content.some((c) => c.type === 'series'),
    'action series (Action & Adventure) too',
  );
  const named = await browse('genre=Action&limit=100');
  const ids = await browse('genre=28,10759&limit=100');
  t.same(
    named.content.map((c) => c.id),
    action.content.map((c) => c.id),
  );
  t.same(
    ids.content.map((c) => c.id),
    action.content.map((c) => c.id),
  );
  t.equal(action.pagination.total, ids.pagination.total);
  const movieOnly = await browse('genre=28&limit=100');
  t.ok(movieOnly.pagination.total < action.pagination.total, 'the id alone is the movie genre only');
});

t.test('several genres: titles in any of them', async (t) => {
  const both = await browse('genre=sci-fi,thriller&limit=100');
  const scifi = await browse('genre=sci-fi&limit=1');
  const thriller = await browse('genre=thriller&limit=1');
  t.ok(both.pagination.total >= Math.max(scifi.pagination.total, thriller.pagination.total));
  t.ok(both.pagination.total <= scifi.pagination.total + thriller.pagination.total);
  const words = ['Science Fiction', 'Sci-Fi & Fantasy', 'Thriller'];
  t.ok(both.content.every((c) => c.genre.some((g: string) => words.includes(g))));
  const slug = await browse('genre=science-fiction&limit=1');
  t.equal(slug.pagination.total, scifi.pagination.total, 'the slug of the name works too');
});

t.test('type=documentary is the Documentary genre', async (t) => {
  const docs = await browse('type=documentary');
  t.same(
    docs.content.map((c) => c.id),
    [DOC],
  );
  t.match(docs.content[0], { type: 'movie', genre: ['Documentary'], duration: 5400 });
  t.equal((await browse('type=documentary&genre=drama')).pagination.total, 0, 'narrows a genre filter');
  t.equal((await browse('type=documentary&genre=documentary,drama')).pagination.total, 1);
});

t.test('maturity rating and language filters', async (t) => {
  const pg13 = await browse('rating=PG-13&limit=100');
  t.ok(pg13.content.length > 0 && pg13.content.every((c) => c.certification === 'PG-13'));
  const en = await browse('language=en&genre=action&limit=100');
  t.ok(en.content.length > 0);
});

t.test('unknown genre words are 400 with the valid names', async (t) => {
  const res = await get('/content/browse?genre=action,cowboy-musicals');
  t.equal(res.status, 400);
  t.match(res.body, { success: false, error: { code: 'INVALID_REQUEST', message: /cowboy-musicals/ } });
  t.ok(res.body.error.details.valid.includes('action'));
  t.ok(res.body.error.details.valid.includes('sci-fi'));
  t.ok(res.body.error.details.valid.includes('documentary'));
  for (const [query, status] of [
    ['genre=', 400],
    ['genre=<script>', 400],
    ['genre=99999999999', 400],
    ['type=podcast', 400],
    ['limit=100', 200],
    ['limit=101', 400],
    [`genre=${'a,'.repeat(150)}`, 400],
  ] as const)
    t.equal((await get(`/content/browse?${query}`)).status, status, query);
});

t.test('trending, new releases, one title, search', async (t) => {
  const trending = (await get('/content/trending')).body.data;
  t.equal(trending.content.length, 20);
  t.ok('thumbnail_url' in trending.content[0]);
  const fresh = (await get('/content/new-releases')).body.data;
  t.ok(fresh.content.length > 0);
  const one = await get(`/content/${trending.content[0].id}`);
  t.equal(one.status, 200);
  t.equal(one.body.data.content.id, trending.content[0].id);
  const search = await get('/search?q=godfather');
  t.equal(search.status, 200);
  t.match(search.body.data, { results: Array, total_results: Number, query: 'godfather' });
  t.match(search.body.data.results[0], { id: 'm238', type: 'movie', match_score: Number });
});

t.test('rate-limit headers as seed 001 shows them', async (t) => {
  const res = await get('/content/browse?limit=1');
  const now = Math.floor(Date.now() / 1000);
  t.ok(Number(res.headers['x-ratelimit-limit']) > 0);
  t.ok(Number(res.headers['x-ratelimit-remaining']) >= 0);
  const reset = Number(res.headers['x-ratelimit-reset']);
  t.ok(reset > now && reset <= now + 3601, 'X-RateLimit-Reset is an epoch second within the hour');
});
