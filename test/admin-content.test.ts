// Admin content: create, read, list, replace, patch and soft delete titles; the validation matrix; admin-only
// access (a user gets 403 and nothing changes); audit rows; title_genres sync; cache invalidation.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, newAdmin, newUser } from './helpers/factories.ts';

const app = await buildTestApp(t);
const admin = await newAdmin(app);
const user = await newUser(app);
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const req = (method: Method, url: string, headers: object, payload?: object) =>
  call(app, { method, url: `/api/v1/admin/content${url}`, headers: headers as Record<string, string>, payload });
const sql = <T = any>(query: string, params: unknown[] = []) => app.em().execute<T[]>(query, params);

const movie = {
  type: 'movie',
  title: 'The Quiet Harbour',
  original_title: 'Le Port Tranquille',
  original_language: 'fr',
  overview: 'A lighthouse keeper and a storm.',
  release_date: '2024-05-17',
  runtime: 104,
  genre_ids: [18, 53],
  certification: 'PG-13',
  popularity: 42.5,
  poster_url: 'https://cdn.example.com/p/harbour.jpg',
  backdrop_url: 'https://cdn.example.com/b/harbour.jpg',
  homepage: 'https://harbour.example.com',
  cast: [
    { name: 'Ada Keel', character: 'Mara' },
    { name: 'Ben Hollow', character: 'The Captain' },
  ],
  directors: ['Cora Vance'],
};

const create = async (body: object = movie) => {
  const res = await req('POST', '', admin.headers, body);
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.content;
};

t.test('POST creates a local movie with genres, credits and maturity level', async (t) => {
  const res = await req('POST', '', admin.headers, movie);
  t.equal(res.status, 201);
  const c = res.body.data.content;
  t.match(c.id, /^o[0-9a-z]{10}$/, 'opaque id that cannot look like a TMDb id');
  t.match(c, {
    type: 'movie',
    source: 'local',
    title: 'The Quiet Harbour',
    original_language: 'fr',
    release_date: '2024-05-17',
    runtime: 104,
    certification: 'PG-13',
    maturity_level: 2,
    popularity: 42.5,
    poster_url: movie.poster_url,
    deleted_at: null,
    season_count: null,
    seasons: [],
  });
  t.same(c.genre_ids, [18, 53]);
  t.same(
    c.genres.map((g: { name: string }) => g.name),
    ['Drama', 'Thriller'],
  );
  t.same(
    c.cast.map((p: { name: string; character: string }) => [p.name, p.character]),
    [
      ['Ada Keel', 'Mara'],
      ['Ben Hollow', 'The Captain'],
    ],
  );
  t.match(c.cast[0].id, /^p-[0-9a-f-]{36}$/);
  t.same(
    c.directors.map((p: { name: string }) => p.name),
    ['Cora Vance'],
  );

  const tg = await sql(
    'select genre_id, popularity, maturity_level from title_genres where title_id = ? order by genre_id',
    [c.id],
  );
  t.same(
    tg.map((r) => [Number(r.genre_id), Number(r.popularity), Number(r.maturity_level)]),
    [
      [18, 42.5, 2],
      [53, 42.5, 2],
    ],
  );
  const log = await sql('select actor_id, target_type, target_id from audit_log where action = ? and target_id = ?', [
    'admin.content_created',
    c.id,
  ]);
  t.same(log, [{ actor_id: admin.id, target_type: 'content', target_id: c.id }]);

  const [vector] = await sql(
    `select search_vector @@ to_tsquery('simple', 'harbour & keel & drama') as hit from titles where id = ?`,
    [c.id],
  );
  t.equal(vector.hit, true, 'search vector holds title, cast and genre names');
  if (app.hasRoute({ method: 'GET', url: '/api/v1/search' })) {
    const found = await call(app, { method: 'GET', url: '/api/v1/search?q=Ada%20Keel', headers: user.headers });
    t.ok(JSON.stringify(found.body).includes(c.id), 'public search finds it by cast');
  }

  const again = await create({ ...movie, title: 'Another' });
  t.not(again.id, c.id);
  t.equal(again.cast[0].id, c.cast[0].id, 'a person typed by the same name is reused');
});

t.test('POST creates a series with seasons and episodes and counts them', async (t) => {
  const c = await create({
    type: 'series',
    title: 'Northern Lines',
    certification: 'TV-14',
    genre_ids: [10765],
    seasons: [
      { season_number: 0, name: 'Specials', episodes: [{ episode_number: 1 }] },
      {
        season_number: 1,
        episodes: [{ episode_number: 1, name: 'Pilot', runtime: 52, air_date: '2023-01-05' }, { episode_number: 2 }],
      },
      { season_number: 2, episodes: [{ episode_number: 1 }] },
    ],
  });
  t.match(
    c,
    { type: 'series', season_count: 2, episode_count: 3, maturity_level: 2 },
    'specials are not counted on the title',
  );
  t.same(
    c.seasons.map((s: { season_number: number; episode_count: number }) => [s.season_number, s.episode_count]),
    [
      [0, 1],
      [1, 2],
      [2, 1],
    ],
  );
  t.match(c.seasons[1], {
    name: 'Season 1',
    episodes: [{ name: 'Pilot', runtime: 52, air_date: '2023-01-05' }, { name: 'Episode 2' }],
  });

  const movieWithSeasons = await req('POST', '', admin.headers, {
    type: 'movie',
    title: 'X',
    seasons: [{ season_number: 1 }],
  });
  t.equal(movieWithSeasons.status, 400, 'a movie has no seasons');
  const dupe = await req('POST', '', admin.headers, {
    type: 'series',
    title: 'X',
    seasons: [{ season_number: 1 }, { season_number: 1 }],
  });
  t.equal(dupe.status, 409);
  t.equal(dupe.body.error.code, 'CONFLICT');
});

t.test('GET one and the admin listing (q, type, include_deleted, pagination)', async (t) => {
  const c = await create({ ...movie, title: 'Zebra 100% Crossing' });
  const one = await req('GET', `/${c.id}`, admin.headers);
  t.equal(one.status, 200);
  t.same(one.body.data.content, c);

  const found = await req('GET', '?q=100%25&limit=5', admin.headers);
  t.equal(found.status, 200);
  t.same(
    found.body.data.content.map((x: { id: string }) => x.id),
    [c.id],
    '% in q is a literal',
  );
  const series = await req('GET', '?type=series', admin.headers);
  t.ok(series.body.data.content.every((x: { type: string }) => x.type === 'series'));
  const page = await req('GET', '?page=1&limit=2', admin.headers);
  t.equal(page.body.data.content.length, 2);
  t.match(page.body.data.pagination, { page: 1, limit: 2 });
  t.equal(page.body.data.pagination.total_pages, Math.ceil(page.body.data.pagination.total / 2));
  for (const bad of [
    '?limit=0',
    '?limit=1000',
    '?page=0',
    `?q=${'x'.repeat(101)}`,
    '?type=show',
    '?include_deleted=maybe',
    '?sort=title',
  ]) {
    t.equal((await req('GET', bad, admin.headers)).status, 400, `GET ${bad}`);
  }
});

t.test('PUT replaces the editable fields; PATCH changes only what is sent', async (t) => {
  const c = await create();
  const put = await req('PUT', `/${c.id}`, admin.headers, {
    title: 'Harbour Lights',
    genre_ids: [35],
    certification: 'G',
    cast: [{ name: 'Dee Marsh' }],
  });
  t.equal(put.status, 200);
  const p = put.body.data.content;
  t.match(p, {
    id: c.id,
    type: 'movie',
    title: 'Harbour Lights',
    overview: null,
    runtime: null,
    poster_url: null,
    popularity: 0,
    certification: 'G',
    maturity_level: 0,
    directors: [],
  });
  t.same(
    p.cast.map((x: { name: string; character: null }) => [x.name, x.character]),
    [['Dee Marsh', null]],
  );
  const tg = await sql('select genre_id, maturity_level from title_genres where title_id = ?', [c.id]);
  t.same(
    tg.map((r) => [Number(r.genre_id), Number(r.maturity_level)]),
    [[35, 0]],
  );
  const [vector] = await sql(
    `select search_vector @@ to_tsquery('simple', 'lights & marsh') as hit, search_vector @@ to_tsquery('simple', 'keel') as old from titles where id = ?`,
    [c.id],
  );
  t.same(vector, { hit: true, old: false }, 'search vector follows the new title and cast');

  const patch = await req('PATCH', `/${c.id}`, admin.headers, {
    certification: 'R',
    popularity: 7,
    overview: 'Now with fog.',
  });
  t.equal(patch.status, 200);
  t.match(patch.body.data.content, {
    title: 'Harbour Lights',
    certification: 'R',
    maturity_level: 3,
    popularity: 7,
    overview: 'Now with fog.',
    genre_ids: [35],
  });
  t.equal(patch.body.data.content.cast.length, 1, 'cast untouched by a PATCH without cast');
  const tg2 = await sql('select popularity, maturity_level from title_genres where title_id = ?', [c.id]);
  t.same(
    tg2.map((r) => [Number(r.popularity), Number(r.maturity_level)]),
    [[7, 3]],
    'browse keys follow popularity and rating',
  );

  const clear = await req('PATCH', `/${c.id}`, admin.headers, { overview: null, genre_ids: [] });
  t.match(clear.body.data.content, { overview: null, genre_ids: [] });
  t.same(await sql('select 1 from title_genres where title_id = ?', [c.id]), []);

  const log = await sql(
    `select details from audit_log where action = 'admin.content_updated' and target_id = ? order by id`,
    [c.id],
  );
  t.equal(log.length, 3);
  const details = typeof log[1].details === 'string' ? JSON.parse(log[1].details) : log[1].details;
  t.same(details, { mode: 'merge', fields: ['certification', 'overview', 'popularity'] });
});

t.test('TMDb copies can be edited and hidden too', async (t) => {
  await sql(
    `insert into titles (id, kind, source, tmdb_id, title, genre_ids, popularity) values ('m990001', 'movie', 'tmdb', 990001, 'Imported', '{28}', 10)`,
  );
  await sql(`insert into title_genres (genre_id, title_id, popularity, maturity_level) values (28, 'm990001', 10, 3)`);
  const patch = await req('PATCH', '/m990001', admin.headers, { certification: 'PG' });
  t.equal(patch.status, 200);
  t.match(patch.body.data.content, {
    source: 'tmdb',
    tmdb_id: 990001,
    title: 'Imported',
    maturity_level: 1,
    genre_ids: [28],
  });
  t.equal((await req('DELETE', '/m990001', admin.headers)).status, 200);
});

t.test('DELETE is soft: the row stays, lists and genre pages lose it', async (t) => {
  // Most popular of all, so it heads the public lists; reading them first also puts them in the cache.
  const c = await create({ ...movie, popularity: 999_999 });
  const publicDetail = app.hasRoute({ method: 'GET', url: '/api/v1/movies/:id' });
  const publicBrowse = app.hasRoute({ method: 'GET', url: '/api/v1/content/browse' });
  const detail = () => call(app, { method: 'GET', url: `/api/v1/movies/${c.id}`, headers: user.headers });
  const browse = async () =>
    JSON.stringify(
      (await call(app, { method: 'GET', url: '/api/v1/content/browse?limit=20', headers: user.headers })).body,
    );
  if (publicDetail) t.equal((await detail()).status, 200, 'public detail shows it before');
  if (publicBrowse) t.ok((await browse()).includes(c.id), 'browse shows it before');
  const del = await req('DELETE', `/${c.id}`, admin.headers);
  t.equal(del.status, 200);
  t.equal(del.body.success, true);
  const row = await sql('select deleted_at from titles where id = ?', [c.id]);
  t.ok(row[0].deleted_at, 'deleted_at set, row kept');
  t.same(await sql('select 1 from title_genres where title_id = ?', [c.id]), [], 'gone from genre pages');

  const one = await req('GET', `/${c.id}`, admin.headers);
  t.equal(one.status, 200, 'admins still see it');
  t.ok(one.body.data.content.deleted_at);
  const list = await req('GET', '?limit=100', admin.headers);
  t.notOk(list.body.data.content.some((x: { id: string }) => x.id === c.id));
  const withDeleted = await req('GET', '?limit=100&include_deleted=true', admin.headers);
  t.ok(withDeleted.body.data.content.some((x: { id: string }) => x.id === c.id));

  t.equal((await req('DELETE', `/${c.id}`, admin.headers)).status, 404, 'already deleted');
  t.equal((await req('PATCH', `/${c.id}`, admin.headers, { title: 'Back' })).status, 404);
  t.equal((await req('GET', `/${c.id}/processing-status`, admin.headers)).status, 404);
  t.equal(
    (
      await sql(`select count(*)::int as n from audit_log where action = 'admin.content_deleted' and target_id = ?`, [
        c.id,
      ])
    )[0].n,
    1,
  );

  // The public catalog routes belong to the catalog read side; checked here when they exist. Both were
  // read (and cached) before the delete, so this also proves the cache was invalidated.
  if (publicDetail) t.equal((await detail()).status, 404, 'public detail hides it');
  else t.comment('GET /api/v1/movies/:id not present: public detail check skipped');
  if (publicBrowse) t.notOk((await browse()).includes(c.id), 'browse hides it');
  else t.comment('GET /api/v1/content/browse not present: browse check skipped');
});

t.test('every change drops the cached catalog lists', async (t) => {
  const c = await create();
  await app.cache.set('catalog:browse:test', '{}', 600);
  await req('PATCH', `/${c.id}`, admin.headers, { popularity: 99 });
  t.equal(await app.cache.get('catalog:browse:test'), null);
});

t.test('processing status reports no media honestly', async (t) => {
  const c = await create();
  const res = await req('GET', `/${c.id}/processing-status`, admin.headers);
  t.equal(res.status, 200);
  t.same(res.body.data, {
    content_id: c.id,
    status: 'no_media',
    progress: 0,
    estimated_completion: null,
    stages: { upload: 'pending', encoding: 'pending', thumbnail_generation: 'pending', cdn_distribution: 'pending' },
  });
});

t.test('validation matrix', async (t) => {
  const c = await create();
  const { type: _type, ...editable } = movie;
  const cases: Array<[Method, string, object, string]> = [
    ['POST', '', { title: 'No type' }, 'missing type'],
    ['POST', '', { type: 'movie' }, 'missing title'],
    ['POST', '', { type: 'show', title: 'X' }, 'bad type'],
    ['POST', '', { ...movie, title: 'x'.repeat(301) }, 'title too long'],
    ['POST', '', { ...movie, title: '' }, 'empty title'],
    ['POST', '', { ...movie, title: 42 }, 'title wrong type'],
    ['POST', '', { ...movie, runtime: '104' }, 'runtime as a string'],
    ['POST', '', { ...movie, runtime: 0 }, 'runtime out of range'],
    ['POST', '', { ...movie, popularity: -1 }, 'negative popularity'],
    ['POST', '', { ...movie, release_date: '2024-13-01' }, 'impossible date'],
    ['POST', '', { ...movie, release_date: '17/05/2024' }, 'date format'],
    ['POST', '', { ...movie, certification: 'X-RATED' }, 'bad certification'],
    ['POST', '', { ...movie, genre_ids: [999999] }, 'unknown genre'],
    ['POST', '', { ...movie, genre_ids: [18, 18] }, 'duplicate genre'],
    ['POST', '', { ...movie, poster_url: 'http://cdn.example.com/p.jpg' }, 'poster not https'],
    ['POST', '', { ...movie, poster_url: 'javascript:alert(1)' }, 'poster not a URL'],
    ['POST', '', { ...movie, original_language: 'french' }, 'bad language'],
    ['POST', '', { ...movie, cast: [{ name: 'A' }, { name: 'A' }] }, 'person twice in cast'],
    ['POST', '', { ...movie, cast: [{ name: 'A', role: 'lead' }] }, 'extra field in cast'],
    ['POST', '', { ...movie, source: 'tmdb' }, 'extra field source'],
    ['POST', '', { ...movie, id: 'o0000000000' }, 'extra field id'],
    ['POST', '', { ...movie, maturity_level: 0 }, 'extra field maturity_level'],
    ['PUT', `/${c.id}`, editable, 'PUT without type is fine, so check the next ones'],
    ['PUT', `/${c.id}`, { ...editable, title: undefined }, 'PUT missing title'],
    ['PUT', `/${c.id}`, { ...editable, type: 'series' }, 'PUT cannot change the type'],
    ['PATCH', `/${c.id}`, {}, 'empty PATCH'],
    ['PATCH', `/${c.id}`, { title: null }, 'title cannot be cleared'],
    ['PATCH', `/${c.id}`, { deleted_at: null }, 'PATCH extra field'],
    ['PATCH', `/${c.id}`, { genre_ids: [424242] }, 'PATCH unknown genre'],
  ];
  for (const [method, url, body, name] of cases) {
    const res = await req(method, url, admin.headers, body);
    if (name.startsWith('PUT without type')) {
      t.equal(res.status, 200, name);
      continue;
    }
    t.equal(res.status, 400, name);
    t.equal(res.body.error?.code, 'INVALID_REQUEST', name);
  }
  for (const bad of ['x1', 'm0', 'o123', 'O3K9X0A7Q2B', 'm12345678901', "o123456789'"]) {
    t.equal((await req('GET', `/${encodeURIComponent(bad)}`, admin.headers)).status, 400, `malformed id ${bad}`);
  }
  for (const [method, body] of [
    ['GET'],
    ['PUT', { title: 'X' }],
    ['PATCH', { title: 'X' }],
    ['DELETE'],
    ['GET'],
  ] as Array<[Method, object?]>) {
    const res = await req(method, '/ozzzzzzzzzz', admin.headers, body);
    t.equal(res.status, 404, `${method} unknown id`);
    t.equal(res.body.error.code, 'NOT_FOUND');
  }
  t.equal((await req('GET', '/ozzzzzzzzzz/processing-status', admin.headers)).status, 404);
});

t.test('admin only: a user gets 403 on every verb and nothing changes; no token gets 401', async (t) => {
  const c = await create();
  const snapshot = async () => ({
    titles: await sql('select id, title, updated_at, deleted_at from titles order by id'),
    tg: await sql('select * from title_genres order by title_id, genre_id'),
    seasons: await sql('select id from seasons order by id'),
    audit: await sql(`select count(*)::int as n from audit_log where action like 'admin.%'`),
  });
  const before = await snapshot();
  const attempts: Array<[Method, string, object?]> = [
    ['GET', ''],
    ['POST', '', movie],
    ['GET', `/${c.id}`],
    ['PUT', `/${c.id}`, { title: 'Hacked' }],
    ['PATCH', `/${c.id}`, { title: 'Hacked' }],
    ['DELETE', `/${c.id}`],
    ['GET', `/${c.id}/processing-status`],
    ['POST', `/${c.id}/seasons`, { season_number: 1 }],
    ['PATCH', `/${c.id}/seasons/1`, { name: 'x' }],
    ['DELETE', `/${c.id}/seasons/1`],
    ['POST', `/${c.id}/seasons/1/episodes`, { episode_number: 1 }],
    ['PUT', `/${c.id}/seasons/1/episodes/1`, { name: 'x' }],
    ['DELETE', `/${c.id}/seasons/1/episodes/1`],
  ];
  for (const [method, url, body] of attempts) {
    const res = await req(method, url, user.headers, body);
    t.equal(res.status, 403, `user ${method} ${url}`);
    t.equal(res.body.error.code, 'FORBIDDEN');
    const anon = await req(method, url, {}, body);
    t.equal(anon.status, 401, `anonymous ${method} ${url}`);
  }
  t.same(await snapshot(), before, 'the database is unchanged');
});
