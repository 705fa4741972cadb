// POST /analytics/events: one event or a batch, stored durably before 202; retried event ids stored once;
// the validation matrix; another account's profile is 404; client clocks ahead are clamped; the per-user
// event budget counts each event of a batch; events land in their month's partition, and the maintenance
// job drops months past retention.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, firstProfileId, newProfile, newUser, type TestUser } from './helpers/factories.ts';
import { ensurePartitions, insertEvents } from '../repositories/analytics.ts';

const app = await buildTestApp(t);
const post = (user: TestUser | null, payload: unknown) =>
  call(app, {
    method: 'POST',
    url: '/api/v1/analytics/events',
    headers: user ? user.headers : {},
    payload: payload as object,
  });
const now = () => new Date().toISOString();
const event = (profileId: string, extra: Record<string, unknown> = {}) => ({
  event_type: 'video_play',
  profile_id: profileId,
  content_id: 'm238',
  timestamp: now(),
  metadata: { device_type: 'web', quality: '1080p', position: 0 },
  ...extra,
});
const count = async (userId: string) => {
  const [row] = await app
    .em()
    .execute<{ n: number }[]>(`select count(*)::int as n from analytics_events where user_id = ?`, [userId]);
  return row.n;
};

const alice = await newUser(app);
const aliceProfile = await firstProfileId(app, alice);

t.test('one event in seed 001 shape is committed before the 202', async (t) => {
  const res = await post(alice, event(aliceProfile));
  t.equal(res.status, 202, JSON.stringify(res.body));
  t.same(res.body.data, { accepted: 1, duplicates: 0 });
  t.equal(await count(alice.id), 1);
  const [row] = await app
    .em()
    .execute(`select event_type, content_id, device_type, metadata from analytics_events where user_id = ?`, [
      alice.id,
    ]);
  t.match(row, { event_type: 'video_play', content_id: 'm238', device_type: 'web', metadata: { quality: '1080p' } });
});

t.test('a batch with event ids: a retry of the same batch is stored once', async (t) => {
  const user = await newUser(app);
  const profile = await firstProfileId(app, user);
  const events = ['video_play', 'video_pause', 'search'].map((type) => ({
    ...event(profile, { event_type: type, event_id: crypto.randomUUID() }),
    ...(type === 'search' ? { content_id: undefined, metadata: { query: 'alien' } } : {}),
  }));
  const first = await post(user, { events });
  t.equal(first.status, 202, JSON.stringify(first.body));
  t.same(first.body.data, { accepted: 3, duplicates: 0 });
  const retry = await post(user, { events });
  t.same(retry.body.data, { accepted: 0, duplicates: 3 });
  const overlap = await post(user, { events: [events[0], event(profile, { event_id: crypto.randomUUID() })] });
  t.same(overlap.body.data, { accepted: 1, duplicates: 1 });
  t.equal(await count(user.id), 4);
  // Ids are the account's: another account may use the same id.
  const other = await newUser(app);
  const otherProfile = await firstProfileId(app, other);
  const same = await post(other, { events: [{ ...events[0], profile_id: otherProfile }] });
  t.same(same.body.data, { accepted: 1, duplicates: 0 });
});

t.test('validation matrix', async (t) => {
  const ok = event(aliceProfile);
  const { event_type: _, ...missing } = ok;
  const cases: Array<[string, unknown, number]> = [
    ['missing event_type', missing, 400],
    ['missing timestamp', { ...ok, timestamp: undefined }, 400],
    ['unknown event_type', { ...ok, event_type: 'video_explode' }, 400],
    ['wrong type', { ...ok, profile_id: 5 }, 400],
    ['bad profile id', { ...ok, profile_id: 'not-a-uuid' }, 400],
    ['bad content id', { ...ok, content_id: 'x!y' }, 400],
    ['bad event id', { ...ok, event_id: '123' }, 400],
    ['bad timestamp', { ...ok, timestamp: 'yesterday' }, 400],
    ['timestamp with an hour-only offset', { ...ok, timestamp: now().replace('Z', '+00') }, 400],
    ['too long', { ...ok, metadata: { quality: 'x'.repeat(11) } }, 400],
    ['extra field', { ...ok, admin: true }, 400],
    ['wrong metadata type', { ...ok, metadata: { watched_seconds: 'ten' } }, 400],
    ['metadata too deep', { ...ok, metadata: { a: { b: { c: { d: 1 } } } } }, 400],
    ['metadata too large', { ...ok, metadata: { blob: 'x'.repeat(2100) } }, 400],
    [
      'metadata too many keys',
      { ...ok, metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])) },
      400,
    ],
    ['video event without content', { ...ok, content_id: undefined }, 400],
    ['more than 7 days old', { ...ok, timestamp: new Date(Date.now() - 8 * 86_400_000).toISOString() }, 400],
    ['empty batch', { events: [] }, 400],
    ['batch over 100', { events: Array.from({ length: 101 }, () => ok) }, 400],
    ['batch with one bad event', { events: [ok, { ...ok, event_type: 'nope' }] }, 400],
    ['unknown profile', { ...ok, profile_id: crypto.randomUUID() }, 404],
  ];
  const before = await count(alice.id);
  for (const [name, body, status] of cases) {
    const res = await post(alice, body);
    t.equal(res.status, status, `${name}: ${JSON.stringify(res.body).slice(0, 200)}`);
    t.equal(res.body.success, false, name);
    t.equal(res.body.error.code, status === 400 ? 'INVALID_REQUEST' : 'NOT_FOUND', name);
  }
  t.equal(await count(alice.id), before, 'nothing of a refused request is stored');
  const nested = await post(alice, { ...ok, metadata: { a: { b: { c: 1 } } } });
  t.equal(nested.status, 202, 'three levels are allowed');
  const large = await post(alice, { ...ok, metadata: { blob: 'é'.repeat(1000) } });
  t.equal(large.status, 202, 'just under 2 KiB as UTF-8 JSON is allowed');
  const over = await post(alice, { ...ok, metadata: { blob: 'é'.repeat(1030) } });
  t.equal(over.status, 400, 'just over 2 KiB is refused');
  t.equal((await post(null, ok)).status, 401, 'anonymous');
});

t.test('someone else’s profile is 404, also inside a batch, and nothing is stored', async (t) => {
  const bob = await newUser(app);
  const before = await count(bob.id);
  const res = await post(bob, { events: [event(await firstProfileId(app, bob)), event(aliceProfile)] });
  t.equal(res.status, 404);
  t.equal(res.body.error.code, 'NOT_FOUND');
  t.equal(await count(bob.id), before);
});

t.test('a profile deleted through the API takes no more events at once', async (t) => {
  const user = await newUser(app);
  const second = await newProfile(app, user);
  const profileId = second.id;
  t.equal((await post(user, event(profileId))).status, 202, 'its events are taken while it exists');
  const del = await call(app, { method: 'DELETE', url: `/api/v1/profiles/${profileId}`, headers: user.headers });
  t.equal(del.status, 200);
  const res = await post(user, event(profileId));
  t.equal(res.status, 404, 'the remembered ownership went with the deletion');
  t.equal(res.body.error.code, 'NOT_FOUND');
});

t.test('a client clock far ahead is clamped to the server time; a small skew is kept', async (t) => {
  const user = await newUser(app);
  const profile = await firstProfileId(app, user);
  const ahead = new Date(Date.now() + 86_400_000).toISOString();
  const slight = new Date(Date.now() + 60_000).toISOString();
  // Two minutes ago written in UTC+02:00: the offset is honoured.
  const offset = new Date(Date.now() - 120_000 + 7_200_000).toISOString().replace('Z', '+02:00');
  const res = await post(user, {
    events: [
      event(profile, { timestamp: ahead }),
      event(profile, { timestamp: slight }),
      event(profile, { timestamp: offset }),
    ],
  });
  t.equal(res.status, 202);
  const rows = await app
    .em()
    .execute<{ skew: number }[]>(
      `select extract(epoch from occurred_at - received_at)::float8 as skew from analytics_events where user_id = ? order by skew`,
      [user.id],
    );
  t.ok(rows[0].skew > -130 && rows[0].skew < -110, `offset read: ${rows[0].skew}`);
  t.ok(Math.abs(rows[1].skew) < 5, `clamped: ${rows[1].skew}`);
  t.ok(rows[2].skew > 50 && rows[2].skew < 70, `kept: ${rows[2].skew}`);
});

t.test('events land in the partition of their month', async (t) => {
  const [row] = await app.em().execute<{ part: string; month: string }[]>(
    `select tableoid::regclass::text as part, to_char(occurred_at at time zone 'UTC', 'YYYY_MM') as month
       from analytics_events where user_id = ? limit 1`,
    [alice.id],
  );
  t.equal(row.part, `analytics_events_${row.month}`);
});

t.test('maintenance creates months ahead and drops the months past retention', async (t) => {
  const old = new Date(Date.UTC(2020, 2, 15));
  await ensurePartitions(app.em(), old, 1);
  await insertEvents(app.em(), [
    {
      occurred_at: old,
      user_id: alice.id,
      profile_id: aliceProfile,
      event_type: 'browse',
      content_id: null,
      device_type: null,
      watched_seconds: null,
      event_id: null,
      metadata: {},
    },
  ]);
  const parts = async () =>
    (
      await app.em().execute<{ name: string }[]>(
        `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
           where i.inhparent = 'analytics_events'::regclass order by 1`,
      )
    ).map((r) => r.name);
  t.ok((await parts()).includes('analytics_events_2020_03'));
  await app.jobs.enqueue('analytics.maintain', {});
  await app.jobs.runner.tick();
  const after = await parts();
  t.notOk(after.includes('analytics_events_2020_03'), 'the expired month is dropped');
  const ahead = new Date();
  ahead.setUTCMonth(ahead.getUTCMonth() + 3, 1);
  t.ok(after.includes(`analytics_events_${ahead.toISOString().slice(0, 7).replace('-', '_')}`), 'three months ahead');
  const [{ n }] = await app
    .em()
    .execute<{ n: number }[]>(`select count(*)::int as n from analytics_events where occurred_at < '2021-01-01'`);
  t.equal(n, 0);
  t.ok((await count(alice.id)) > 0, 'recent events stay');
});

t.test('the hourly event budget counts every event of a batch', async (t) => {
  const limited = await buildTestApp(t, { RATE_LIMIT_ANALYTICS_MAX: '10' });
  const user = await newUser(limited);
  const profile = await firstProfileId(limited, user);
  const send = (n: number) =>
    call(limited, {
      method: 'POST',
      url: '/api/v1/analytics/events',
      headers: user.headers,
      payload: { events: Array.from({ length: n }, () => event(profile)) },
    });
  const first = await send(8);
  t.equal(first.status, 202);
  t.equal(first.headers['x-ratelimit-limit'], '10');
  t.equal(first.headers['x-ratelimit-remaining'], '2');
  t.equal(first.headers['ratelimit-remaining'], '2');
  const over = await send(3);
  t.equal(over.status, 429);
  t.equal(over.body.error.code, 'RATE_LIMITED');
  t.ok(Number(over.headers['retry-after']) > 0);
  t.equal((await send(1)).status, 429, 'the budget stays spent for the hour');
  const other = await newUser(limited);
  const res = await call(limited, {
    method: 'POST',
    url: '/api/v1/analytics/events',
    headers: other.headers,
    payload: event(await firstProfileId(limited, other)),
  });
  t.equal(res.status, 202, 'the budget is per account');
});
