// Admin seasons and episodes: create, replace, patch, soft delete; counters on seasons and titles; 409 on a
// number in use; 400 on movies; 404 on unknown seasons and episodes; audit rows; validation.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, newAdmin } from './helpers/factories.ts';

const app = await buildTestApp(t);
const admin = await newAdmin(app);
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const req = (method: Method, url: string, payload?: object) =>
  call(app, { method, url: `/api/v1/admin/content${url}`, headers: admin.headers, payload });
const sql = <T = any>(query: string, params: unknown[] = []) => app.em().execute<T[]>(query, params);

async function newSeries(seasons: object[] = []): Promise<string> {
  const res = await req('POST', '', { type: 'series', title: 'Harbour Nights', certification: 'TV-MA', seasons });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.body}`);
  return res.body.data.content.id;
}

async function counts(id: string) {
  const title = (await sql('select season_count, episode_count from titles where id = ?', [id]))[0];
  const seasons = await sql(
    'select season_number, episode_count from seasons where title_id = ? and deleted_at is null order by season_number',
    [id],
  );
  return {
    seasons: Number(title.season_count),
    episodes: Number(title.episode_count),
    perSeason: seasons.map((s) => [Number(s.season_number), Number(s.episode_count)]),
  };
}

const actions = async (id: string) =>
  (await sql('select action from audit_log where target_id = ? order by id', [id])).map((r) => r.action);

t.test('seasons and episodes: create, edit, delete, and the counters follow', async (t) => {
  const id = await newSeries();
  t.same(await counts(id), { seasons: 0, episodes: 0, perSeason: [] });

  const s1 = await req('POST', `/${id}/seasons`, {
    season_number: 1,
    name: 'First Tide',
    air_date: '2022-09-01',
    episodes: [{ episode_number: 1, name: 'Low Water' }, { episode_number: 2 }],
  });
  t.equal(s1.status, 201);
  t.match(s1.body.data.season, {
    season_number: 1,
    name: 'First Tide',
    air_date: '2022-09-01',
    episode_count: 2,
    episodes: [
      { episode_number: 1, name: 'Low Water' },
      { episode_number: 2, name: 'Episode 2' },
    ],
  });
  t.match(s1.body.data.season.id, /^se-/);
  t.same(await counts(id), { seasons: 1, episodes: 2, perSeason: [[1, 2]] });

  const e3 = await req('POST', `/${id}/seasons/1/episodes`, {
    episode_number: 3,
    name: 'Spring Tide',
    runtime: 48,
    still_url: 'https://cdn.example.com/s/3.jpg',
  });
  t.equal(e3.status, 201);
  t.match(e3.body.data.episode, {
    season_number: 1,
    episode_number: 3,
    name: 'Spring Tide',
    runtime: 48,
    still_url: 'https://cdn.example.com/s/3.jpg',
  });
  t.match(e3.body.data.episode.id, /^ep-/);
  await req('POST', `/${id}/seasons`, { season_number: 2, episodes: [{ episode_number: 1 }] });
  await req('POST', `/${id}/seasons`, { season_number: 0 });
  t.same(
    await counts(id),
    {
      seasons: 2,
      episodes: 4,
      perSeason: [
        [0, 0],
        [1, 3],
        [2, 1],
      ],
    },
    'specials are not counted on the title',
  );

  const putSeason = await req('PUT', `/${id}/seasons/1`, { name: 'The First Tide' });
  t.equal(putSeason.status, 200);
  t.match(
    putSeason.body.data.season,
    { name: 'The First Tide', air_date: null, episode_count: 3 },
    'PUT clears what it omits, keeps episodes',
  );
  const patchSeason = await req('PATCH', `/${id}/seasons/1`, { overview: 'Where it starts.' });
  t.match(patchSeason.body.data.season, { name: 'The First Tide', overview: 'Where it starts.' });

  const putEpisode = await req('PUT', `/${id}/seasons/1/episodes/3`, { name: 'Neap Tide' });
  t.match(putEpisode.body.data.episode, { name: 'Neap Tide', runtime: null, still_url: null });
  const patchEpisode = await req('PATCH', `/${id}/seasons/1/episodes/3`, { runtime: 50 });
  t.match(patchEpisode.body.data.episode, { name: 'Neap Tide', runtime: 50 });

  t.equal((await req('DELETE', `/${id}/seasons/1/episodes/2`)).status, 200);
  t.same(await counts(id), {
    seasons: 2,
    episodes: 3,
    perSeason: [
      [0, 0],
      [1, 2],
      [2, 1],
    ],
  });
  t.equal((await req('DELETE', `/${id}/seasons/1/episodes/2`)).status, 404, 'already deleted');

  t.equal((await req('DELETE', `/${id}/seasons/2`)).status, 200);
  t.same(await counts(id), {
    seasons: 1,
    episodes: 2,
    perSeason: [
      [0, 0],
      [1, 2],
    ],
  });
  const gone = await sql('select deleted_at from episodes where title_id = ? and season_number = 2', [id]);
  t.ok(gone.length === 1 && gone[0].deleted_at, 'the episodes of a deleted season are soft deleted with it');
  t.equal((await req('PATCH', `/${id}/seasons/2`, { name: 'x' })).status, 404);
  t.equal(
    (await req('POST', `/${id}/seasons/2/episodes`, { episode_number: 2 })).status,
    404,
    'no episodes into a deleted season',
  );

  const back = await req('POST', `/${id}/seasons`, { season_number: 2, name: 'Second Tide' });
  t.equal(back.status, 201, 'a deleted season number can be used again');
  t.match(
    back.body.data.season,
    { name: 'Second Tide', episode_count: 0, episodes: [] },
    'its old episodes stay deleted',
  );
  t.same(await counts(id), {
    seasons: 2,
    episodes: 2,
    perSeason: [
      [0, 0],
      [1, 2],
      [2, 0],
    ],
  });

  const detail = await req('GET', `/${id}`);
  t.match(detail.body.data.content, { season_count: 2, episode_count: 2 });
  t.same(
    detail.body.data.content.seasons.map((s: { season_number: number }) => s.season_number),
    [0, 1, 2],
  );

  t.same(await actions(id), [
    'admin.content_created',
    'admin.season_created',
    'admin.episode_created',
    'admin.season_created',
    'admin.season_created',
    'admin.season_updated',
    'admin.season_updated',
    'admin.episode_updated',
    'admin.episode_updated',
    'admin.episode_deleted',
    'admin.season_deleted',
    'admin.season_created',
  ]);
  const actors = await sql('select distinct actor_id from audit_log where target_id = ?', [id]);
  t.same(actors, [{ actor_id: admin.id }]);
});

t.test('a number in use is a 409 and changes nothing', async (t) => {
  const id = await newSeries([{ season_number: 1, episodes: [{ episode_number: 1 }] }]);
  const before = await counts(id);
  const season = await req('POST', `/${id}/seasons`, { season_number: 1 });
  t.equal(season.status, 409);
  t.equal(season.body.error.code, 'CONFLICT');
  const episode = await req('POST', `/${id}/seasons/1/episodes`, { episode_number: 1 });
  t.equal(episode.status, 409);
  const inBody = await req('POST', `/${id}/seasons`, {
    season_number: 2,
    episodes: [{ episode_number: 1 }, { episode_number: 1 }],
  });
  t.equal(inBody.status, 409, 'duplicate episode numbers in one body');
  t.same(await counts(id), before);
  t.same(
    await sql('select 1 from seasons where title_id = ? and season_number = 2', [id]),
    [],
    'the failed season was not half-written',
  );
});

t.test('only series have seasons; unknown titles, seasons and episodes are 404', async (t) => {
  const movie = await req('POST', '', { type: 'movie', title: 'Single Feature' });
  const mid = movie.body.data.content.id;
  const onMovie = await req('POST', `/${mid}/seasons`, { season_number: 1 });
  t.equal(onMovie.status, 400);
  t.equal(onMovie.body.error.code, 'INVALID_REQUEST');
  t.equal((await req('DELETE', `/${mid}/seasons/1`)).status, 400);
  t.same(await sql('select 1 from seasons where title_id = ?', [mid]), []);

  const id = await newSeries([{ season_number: 1 }]);
  t.equal((await req('POST', '/ozzzzzzzzzz/seasons', { season_number: 1 })).status, 404);
  t.equal((await req('PUT', `/${id}/seasons/9`, { name: 'x' })).status, 404);
  t.equal((await req('DELETE', `/${id}/seasons/9`)).status, 404);
  t.equal((await req('POST', `/${id}/seasons/9/episodes`, { episode_number: 1 })).status, 404);
  t.equal((await req('PATCH', `/${id}/seasons/1/episodes/9`, { name: 'x' })).status, 404);
  t.equal((await req('DELETE', `/${id}/seasons/1/episodes/9`)).status, 404);

  await req('DELETE', `/${id}`);
  t.equal(
    (await req('POST', `/${id}/seasons`, { season_number: 2 })).status,
    404,
    'a deleted series takes no new seasons',
  );
});

t.test('validation matrix for seasons and episodes', async (t) => {
  const id = await newSeries([{ season_number: 1, episodes: [{ episode_number: 1 }] }]);
  const cases: Array<[Method, string, object | undefined, string]> = [
    ['POST', `/${id}/seasons`, {}, 'missing season_number'],
    ['POST', `/${id}/seasons`, { season_number: '2' }, 'season_number as a string'],
    ['POST', `/${id}/seasons`, { season_number: -1 }, 'negative season number'],
    ['POST', `/${id}/seasons`, { season_number: 1000 }, 'season number too big'],
    ['POST', `/${id}/seasons`, { season_number: 2, name: 'x'.repeat(201) }, 'name too long'],
    ['POST', `/${id}/seasons`, { season_number: 2, air_date: '2024-02-30' }, 'impossible date'],
    ['POST', `/${id}/seasons`, { season_number: 2, poster_url: 'ftp://x' }, 'poster not https'],
    ['POST', `/${id}/seasons`, { season_number: 2, episode_count: 10 }, 'extra field'],
    ['POST', `/${id}/seasons`, { season_number: 2, episodes: [{ name: 'no number' }] }, 'episode without number'],
    ['PUT', `/${id}/seasons/1`, {}, 'PUT season without name'],
    ['PUT', `/${id}/seasons/1`, { name: 'x', season_number: 3 }, 'season number cannot change'],
    ['PATCH', `/${id}/seasons/1`, {}, 'empty PATCH'],
    ['PATCH', `/${id}/seasons/1`, { name: null }, 'name cannot be cleared'],
    ['POST', `/${id}/seasons/1/episodes`, { episode_number: 0 }, 'episode number 0'],
    ['POST', `/${id}/seasons/1/episodes`, { episode_number: 2, runtime: 0 }, 'runtime 0'],
    ['POST', `/${id}/seasons/1/episodes`, { episode_number: 2, runtime: 'long' }, 'runtime wrong type'],
    ['POST', `/${id}/seasons/1/episodes`, { episode_number: 2, name: 'x'.repeat(301) }, 'episode name too long'],
    ['PUT', `/${id}/seasons/1/episodes/1`, { overview: 'no name' }, 'PUT episode without name'],
    ['PATCH', `/${id}/seasons/1/episodes/1`, { id: 'ep-x' }, 'PATCH episode extra field'],
    ['PATCH', `/${id}/seasons/x/episodes/1`, { name: 'a' }, 'season number not a number'],
    ['PATCH', `/${id}/seasons/1/episodes/1.5`, { name: 'a' }, 'episode number not an integer'],
    ['POST', '/bad-id/seasons', { season_number: 2 }, 'malformed content id'],
  ];
  for (const [method, url, body, name] of cases) {
    const res = await req(method, url, body);
    t.equal(res.status, 400, name);
    t.equal(res.body.error?.code, 'INVALID_REQUEST', name);
  }
  t.same(await counts(id), { seasons: 1, episodes: 1, perSeason: [[1, 1]] }, 'nothing changed');
});
