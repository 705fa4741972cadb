// Playback progress and what it feeds: resume thresholds, watched marking, short items, position > duration,
// out-of-order heartbeats, history (list, delete one, clear), continue watching, next up across seasons and
// re-watching, cross-account access, and 20 parallel heartbeats leaving one consistent row.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser, type TestUser } from './helpers/factories.ts';
import { addMovie, addSeries } from './helpers/titles.ts';
import { findProgress } from '../repositories/progress.ts';

const app = await buildTestApp(t);
type Method = 'GET' | 'PUT' | 'DELETE';
const req = (method: Method, url: string, headers: object, payload?: object) =>
  call(app, { method, url: `/api/v1${url}`, headers: headers as Record<string, string>, payload });
const firstProfile = async (user: TestUser) =>
  (await req('GET', '/profiles', user.headers)).body.data.profiles[0].id as string;
const put = (user: TestUser, id: string, body: object) => req('PUT', `/streaming/${id}/progress`, user.headers, body);
const at = (seconds: number) => new Date(Date.now() - 3_600_000 + seconds * 1000).toISOString();

t.test(
  'thresholds: under 5 % no resume point, 5–90 % resumable, over 90 % watched, short items never resumable',
  async (t) => {
    const user = await newUser(app);
    const m = await addMovie(app);
    const early = await put(user, m.id, { position: 100, duration: 6000 });
    t.equal(early.status, 200);
    t.match(early.body.data, {
      content_id: m.id,
      episode_id: null,
      position: 100,
      duration: 6000,
      resume_position: null,
      completed: false,
      applied: true,
    });
    const mid = await put(user, m.id, { position: 3000, duration: 6000 });
    t.match(mid.body.data, { resume_position: 3000, completed: false });
    const done = await put(user, m.id, { position: 5500, duration: 6000 });
    t.match(done.body.data, { resume_position: null, completed: true });
    const short = await addMovie(app, { runtime: 4 });
    t.match(
      (await put(user, short.id, { position: 120, duration: 240 })).body.data,
      { resume_position: null, completed: false },
      'a 4-minute item at 50 % is not resumable',
    );
    t.match(
      (await put(user, short.id, { position: 230, duration: 240 })).body.data,
      { completed: true },
      'but can be watched',
    );
  },
);

t.test('bad heartbeats: position beyond duration, validation, unknown title or episode', async (t) => {
  const user = await newUser(app);
  const m = await addMovie(app);
  const s = await addSeries(app, [2]);
  const beyond = await put(user, m.id, { position: 7000, duration: 6000 });
  t.equal(beyond.status, 400);
  t.equal(beyond.body.error.code, 'INVALID_REQUEST');
  const bad: Array<[string, object]> = [
    ['missing position', { duration: 100 }],
    ['missing duration', { position: 1 }],
    ['negative', { position: -1, duration: 100 }],
    ['zero duration', { position: 0, duration: 0 }],
    ['string', { position: '10', duration: 100 }],
    ['extra field', { position: 1, duration: 100, rate: 2 }],
    ['bad client_time', { position: 1, duration: 100, client_time: 'yesterday' }],
    ['bad profile_id', { position: 1, duration: 100, profile_id: 'p1' }],
    ['long session id', { position: 1, duration: 100, session_id: 'x'.repeat(65) }],
  ];
  for (const [name, body] of bad) t.equal((await put(user, m.id, body)).status, 400, name);
  t.equal((await put(user, 'bad!', { position: 1, duration: 100 })).status, 400, 'bad content id');
  t.equal((await put(user, 'm1', { position: 1, duration: 100 })).status, 404, 'unknown title');
  t.equal((await put(user, s.id, { position: 1, duration: 100 })).status, 400, 'a series needs episode_id');
  t.equal((await put(user, s.id, { position: 1, duration: 100, episode_id: 'nope' })).status, 404, 'unknown episode');
  t.equal(
    (await put(user, m.id, { position: 1, duration: 100, episode_id: s.episodes[0][0] })).status,
    400,
    'a movie has no episodes',
  );
  const kids = (
    await call(app, {
      method: 'POST',
      url: '/api/v1/profiles',
      headers: user.headers,
      payload: { name: 'K', is_kids: true },
    })
  ).body.data.profile.id;
  const r = await addMovie(app, { certification: 'R' });
  t.equal(
    (await put(user, r.id, { position: 1, duration: 100, profile_id: kids })).body.error?.code,
    'CONTENT_RESTRICTED',
  );
  t.equal(
    (await req('GET', `/profiles/${await firstProfile(user)}/history`, user.headers)).body.data.pagination.total,
    0,
    'nothing recorded',
  );
});

t.test('a late heartbeat never moves playback backwards; a newer one may seek back', async (t) => {
  const user = await newUser(app);
  const m = await addMovie(app);
  t.equal((await put(user, m.id, { position: 2000, duration: 6000, client_time: at(20) })).body.data.applied, true);
  const late = await put(user, m.id, { position: 1000, duration: 6000, client_time: at(10) });
  t.equal(late.status, 200);
  t.match(late.body.data, { applied: false, position: 2000, resume_position: 2000 });
  const seek = await put(user, m.id, { position: 600, duration: 6000, client_time: at(30) });
  t.match(seek.body.data, { applied: true, position: 600 });
  const future = await put(user, m.id, {
    position: 700,
    duration: 6000,
    client_time: new Date(Date.now() + 86_400_000).toISOString(),
  });
  t.equal(future.body.data.applied, true, 'a clock ahead is clamped to now');
  t.equal(
    (await put(user, m.id, { position: 800, duration: 6000 })).body.data.applied,
    true,
    'so later heartbeats still apply',
  );
});

t.test('history, continue watching, deleting history', async (t) => {
  const user = await newUser(app);
  const pid = await firstProfile(user);
  const m1 = await addMovie(app);
  const m2 = await addMovie(app);
  const s = await addSeries(app, [3]);
  await put(user, m1.id, { position: 1200, duration: 6000 });
  await put(user, s.id, { position: 900, duration: 2700, episode_id: s.episodes[0][1] });
  await put(user, m2.id, { position: 5900, duration: 6000 });
  const hist = await req('GET', `/profiles/${pid}/history?limit=2`, user.headers);
  t.equal(hist.status, 200);
  t.same(hist.body.data.pagination, { page: 1, limit: 2, total: 3, total_pages: 2 });
  t.same(
    hist.body.data.history.map((h: { id: string }) => h.id),
    [m2.id, s.id],
    'newest first',
  );
  t.match(hist.body.data.history[0], {
    progress: { position: 5900, duration: 6000, completed: true },
    episode: null,
    is_favorite: false,
  });
  t.match(hist.body.data.history[1], { episode: { id: s.episodes[0][1], season_number: 1, episode_number: 2 } });
  const same = await req('GET', `/users/profiles/${pid}/history?page=2&limit=2`, user.headers);
  t.same(
    same.body.data.history.map((h: { id: string }) => h.id),
    [m1.id],
  );

  const cw = await req('GET', `/profiles/${pid}/continue-watching`, user.headers);
  t.same(
    cw.body.data.content.map((c: { id: string }) => c.id),
    [s.id, m1.id],
    'watched m2 is not in continue watching',
  );
  t.match(cw.body.data.content[0], {
    resume_position: 900,
    progress: { position: 900 },
    episode: { id: s.episodes[0][1] },
  });
  t.match(cw.body.data.content[1], { resume_position: 1200 });

  t.equal((await req('DELETE', `/profiles/${pid}/history/${m1.id}`, user.headers)).body.data.changed, true);
  t.same(
    (await req('GET', `/profiles/${pid}/continue-watching`, user.headers)).body.data.content.map(
      (c: { id: string }) => c.id,
    ),
    [s.id],
    'gone from continue watching',
  );
  t.equal(
    (await req('DELETE', `/profiles/${pid}/history/${m1.id}`, user.headers)).body.data.changed,
    false,
    'idempotent',
  );
  const cleared = await req('DELETE', `/profiles/${pid}/history`, user.headers);
  t.equal(cleared.body.data.removed, 2);
  t.equal((await req('GET', `/profiles/${pid}/history`, user.headers)).body.data.pagination.total, 0);
  t.equal((await req('GET', `/profiles/${pid}/continue-watching`, user.headers)).body.data.content.length, 0);
  t.equal((await req('GET', `/profiles/${pid}/next-up`, user.headers)).body.data.content.length, 0);
});

t.test('next up: across season boundaries, barely started, finished show leaves, re-watch comes back', async (t) => {
  const user = await newUser(app);
  const pid = await firstProfile(user);
  const s = await addSeries(app, [2, 2]);
  const [[e11, e12], [e21, e22]] = s.episodes;
  const nextUp = async () =>
    (await req('GET', `/profiles/${pid}/next-up`, user.headers)).body.data.content as Array<{
      id: string;
      episode: { id: string; season_number: number; episode_number: number };
    }>;
  const watch = (ep: string) => put(user, s.id, { position: 2600, duration: 2700, episode_id: ep });

  await watch(e11);
  t.equal((await nextUp())[0].episode.id, e12);
  await watch(e12);
  const cross = await nextUp();
  t.match(
    cross[0],
    { id: s.id, episode: { id: e21, season_number: 2, episode_number: 1 } },
    'season 1 finale → season 2 premiere',
  );
  await put(user, s.id, { position: 600, duration: 2700, episode_id: e21 });
  t.equal((await nextUp()).length, 0, 'an episode in progress is in continue watching instead');
  t.equal((await req('GET', `/profiles/${pid}/continue-watching`, user.headers)).body.data.content[0].episode.id, e21);
  await put(user, s.id, { position: 30, duration: 2700, episode_id: e21, client_time: new Date().toISOString() });
  t.equal((await nextUp())[0].episode.id, e21, 'barely started (seeked to the start): play it again');
  await watch(e21);
  await watch(e22);
  t.equal((await nextUp()).length, 0, 'the finished show leaves next up');
  await watch(e11);
  t.equal((await nextUp())[0].episode.id, e12, 're-watching the first episode brings it back with the second');
  const hist = await req('GET', `/profiles/${pid}/history`, user.headers);
  t.equal(hist.body.data.pagination.total, 1, 'one history entry per title');
});

t.test('another account’s profile: 404 for every verb, nothing changes', async (t) => {
  const a = await newUser(app);
  const b = await newUser(app);
  const bp = await firstProfile(b);
  const m = await addMovie(app);
  await put(b, m.id, { position: 1000, duration: 6000 });
  const attempts: Array<[Method, string, object?]> = [
    ['GET', `/profiles/${bp}/history`],
    ['DELETE', `/profiles/${bp}/history/${m.id}`],
    ['DELETE', `/profiles/${bp}/history`],
    ['DELETE', `/users/profiles/${bp}/history`],
    ['GET', `/profiles/${bp}/continue-watching`],
    ['GET', `/profiles/${bp}/next-up`],
    ['PUT', `/streaming/${m.id}/progress`, { position: 10, duration: 6000, profile_id: bp }],
  ];
  for (const [method, url, body] of attempts)
    t.equal((await req(method, url, a.headers, body)).status, 404, `${method} ${url}`);
  t.equal(
    (
      await req(
        'PUT',
        `/streaming/${m.id}/progress`,
        { ...a.headers, 'x-profile-id': bp },
        { position: 10, duration: 6000 },
      )
    ).status,
    404,
    'X-Profile-Id',
  );
  const hist = await req('GET', `/profiles/${bp}/history`, b.headers);
  t.equal(hist.body.data.pagination.total, 1);
  t.equal(hist.body.data.history[0].progress.position, 1000, 'B’s progress unchanged');
});

t.test('20 parallel heartbeats leave one consistent row', async (t) => {
  const user = await newUser(app);
  const pid = await firstProfile(user);
  const m = await addMovie(app);
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      put(user, m.id, { position: 1000 + i * 10, duration: 6000, client_time: at(i) }),
    ),
  );
  t.ok(
    results.every((r) => r.status === 200),
    'every heartbeat answers 200',
  );
  const stored = await findProgress(app.em(), pid, m.id, '');
  t.equal(stored?.position, 1190, 'the newest heartbeat wins whatever the arrival order');
  t.equal(stored?.resume_position, 1190);
  const history = await req('GET', `/profiles/${pid}/history`, user.headers);
  t.equal(history.body.data.pagination.total, 1, 'one history entry');
  t.equal(history.body.data.history[0].progress.position, 1190);
  const cw = await req('GET', `/profiles/${pid}/continue-watching`, user.headers);
  t.equal(cw.body.data.content[0].resume_position, 1190);
});
