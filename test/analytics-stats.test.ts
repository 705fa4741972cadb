// GET /analytics/viewing-stats/:profile_id: read from the daily rollups the worker job fills incrementally
// (nothing shows before it runs; a second run never counts an event twice); watch time, titles started and
// completed, by genre, by day, by device, the streak; owner only.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, firstProfileId, newProfile, newUser, type TestUser } from './helpers/factories.ts';

const app = await buildTestApp(t, { ANALYTICS_ROLLUP_SETTLE_SECONDS: '0' });
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

const send = async (user: TestUser, events: object[]) => {
  const res = await call(app, {
    method: 'POST',
    url: '/api/v1/analytics/events',
    headers: user.headers,
    payload: { events },
  });
  if (res.status !== 202) throw new Error(`events refused: ${res.status} ${JSON.stringify(res.body)}`);
};
const stats = (user: TestUser, profileId: string) =>
  call(app, { method: 'GET', url: `/api/v1/analytics/viewing-stats/${profileId}`, headers: user.headers });
const rollup = async () => {
  await app.jobs.enqueue('analytics.rollup', {}, { dedupeKey: `rollup-${Math.random()}` });
  await app.jobs.runner.tick();
};
const video = (profile_id: string, event_type: string, content_id: string, timestamp: string, meta: object = {}) => ({
  event_type,
  profile_id,
  content_id,
  timestamp,
  metadata: { device_type: 'web', ...meta },
});

const user = await newUser(app);
const profile = await firstProfileId(app, user);

t.test('nothing counts before the rollup runs; then every figure comes out', async (t) => {
  await send(user, [
    video(profile, 'video_play', 'm238', ago(2), { device_type: 'tv' }),
    video(profile, 'video_pause', 'm238', ago(2), { device_type: 'tv', watched_seconds: 1200 }),
    video(profile, 'video_play', 'm238', ago(1)),
    video(profile, 'video_complete', 'm238', ago(1), { watched_seconds: 600 }),
    video(profile, 'video_play', 'm155', ago(0)),
    video(profile, 'video_progress', 'm155', ago(0), { watched_seconds: 300 }),
    { event_type: 'search', profile_id: profile, timestamp: ago(0), metadata: { query: 'batman' } },
  ]);
  const before = await stats(user, profile);
  t.equal(before.status, 200);
  t.match(before.body.data, { total_watch_seconds: 0, titles_started: 0, current_streak_days: 0 });

  await rollup();
  const res = await stats(user, profile);
  t.equal(res.status, 200);
  const data = res.body.data;
  t.equal(data.total_watch_seconds, 2100);
  t.equal(data.titles_started, 2);
  t.equal(data.titles_completed, 1);
  t.equal(data.current_streak_days, 3);
  t.ok(data.aggregated_through, 'says how fresh the figures are');
  t.equal(data.by_day.length, 30);
  const day = (n: number) => ago(n).slice(0, 10);
  t.same(data.by_day.slice(-3), [
    { day: day(2), watch_seconds: 1200, titles: 1 },
    { day: day(1), watch_seconds: 600, titles: 1 },
    { day: day(0), watch_seconds: 300, titles: 1 },
  ]);
  t.equal(data.by_day[0].watch_seconds, 0, 'days without viewing are listed');
  t.same(
    [...data.by_device].sort((a: { device_type: string }, b: { device_type: string }) =>
      a.device_type.localeCompare(b.device_type),
    ),
    [
      { device_type: 'tv', watch_seconds: 1200, titles: 1 },
      { device_type: 'web', watch_seconds: 900, titles: 2 },
    ],
  );
  // The expected genres are the two titles' own, read from the catalog.
  const genres = await app.em().execute<{ name: string; watch: number }[]>(
    `select g.name, sum(case t.id when 'm238' then 1800 else 300 end)::int as watch
     from titles t cross join lateral unnest(t.genre_ids) gid join genres g on g.id = gid::text
     where t.id in ('m238', 'm155') group by g.name`,
  );
  t.ok(genres.length > 0, 'the demo titles have genres');
  const got = Object.fromEntries(
    data.by_genre.map((g: { name: string; watch_seconds: number }) => [g.name, g.watch_seconds]),
  );
  t.same(got, Object.fromEntries(genres.map((g) => [g.name, g.watch])));
});

t.test('the rollup is incremental: a run adds only the new events, an idle run changes nothing', async (t) => {
  await rollup();
  const same = await stats(user, profile);
  t.equal(same.body.data.total_watch_seconds, 2100, 'an idle run counts nothing twice');
  await send(user, [video(profile, 'video_pause', 'm155', ago(0), { watched_seconds: 60 })]);
  await rollup();
  const more = await stats(user, profile);
  t.equal(more.body.data.total_watch_seconds, 2160);
  t.equal(more.body.data.by_day.at(-1).watch_seconds, 360);
  const [state] = await app.em().execute<{ watermark: string }[]>(`select watermark::text from analytics_rollup_state`);
  const [max] = await app.em().execute<{ seq: string }[]>(`select max(seq)::text as seq from analytics_events`);
  t.equal(state.watermark, max.seq, 'the watermark reached the last event');
});

t.test('profiles are separate; the streak needs consecutive days', async (t) => {
  const second = await newProfile(app, user);
  await send(user, [
    video(second.id, 'video_play', 'm238', ago(3), { watched_seconds: 100 }),
    video(second.id, 'video_play', 'm238', ago(1), { watched_seconds: 100 }),
  ]);
  await rollup();
  const res = await stats(user, second.id);
  t.equal(res.body.data.total_watch_seconds, 200);
  t.equal(res.body.data.current_streak_days, 1, 'yesterday only: the day before it is missing');
  t.equal((await stats(user, profile)).body.data.total_watch_seconds, 2160, 'the first profile is unchanged');
});

t.test('owner only; bad id; anonymous', async (t) => {
  const other = await newUser(app);
  const res = await stats(other, profile);
  t.equal(res.status, 404);
  t.equal(res.body.error.code, 'NOT_FOUND');
  t.equal((await stats(user, 'not-a-uuid')).status, 400);
  t.equal((await stats(user, crypto.randomUUID())).status, 404);
  const anon = await call(app, { method: 'GET', url: `/api/v1/analytics/viewing-stats/${profile}` });
  t.equal(anon.status, 401);
});

t.test('events younger than the settle time wait for a later run', async (t) => {
  const settled = await buildTestApp(t, { ANALYTICS_ROLLUP_SETTLE_SECONDS: '600' });
  const u = await newUser(settled);
  const p = await firstProfileId(settled, u);
  const res = await call(settled, {
    method: 'POST',
    url: '/api/v1/analytics/events',
    headers: u.headers,
    payload: video(p, 'video_play', 'm238', ago(0), { watched_seconds: 50 }),
  });
  t.equal(res.status, 202);
  await settled.jobs.enqueue('analytics.rollup', {}, { dedupeKey: 'once' });
  await settled.jobs.runner.tick();
  const s = await call(settled, { method: 'GET', url: `/api/v1/analytics/viewing-stats/${p}`, headers: u.headers });
  t.equal(s.body.data.total_watch_seconds, 0);
});
