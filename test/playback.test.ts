// Playback: subscription required, maturity enforced, stream slots per plan (also under parallel starts),
// quality capped by the plan, no playlist without ready media, stop and stale sessions freeing their slot.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { testClock } from './helpers/clock.ts';
import { call, newUser, type TestUser } from './helpers/factories.ts';

const clock = testClock();
const app = await buildTestApp(t, {}, { clock });
const req = (user: TestUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  call(app, { method, url: `/api/v1${url}`, headers: user.headers, payload });
const subscribe = async (user: TestUser, plan: string) => {
  const res = await req(user, 'POST', '/subscriptions', { plan, interval: 'month', payment_method: 'pm_card_visa' });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`subscribe failed ${res.status} ${JSON.stringify(res.body)}`);
};
const start = (user: TestUser, id: string, body: object = {}) =>
  req(user, 'POST', `/streaming/${id}/start`, { device_type: 'tv', quality: '1080p', ...body });

t.test('no subscription: 402 on manifest and start', async (t) => {
  const user = await newUser(app);
  const manifest = await req(user, 'GET', '/streaming/m238/manifest');
  t.equal(manifest.status, 402);
  t.equal(manifest.body.error.code, 'SUBSCRIPTION_REQUIRED');
  t.equal((await start(user, 'm238')).status, 402);
});

t.test('basic plan: one stream, 720p at most; stop frees the slot', async (t) => {
  const user = await newUser(app);
  await subscribe(user, 'basic');
  const first = await start(user, 'm238', { quality: '2160p' });
  t.equal(first.status, 201);
  t.match(first.body.data, {
    session_id: String,
    content_id: 'm238',
    episode_id: null,
    quality: '720p',
    heartbeat_seconds: 30,
  });
  const second = await start(user, 'm155');
  t.equal(second.status, 409);
  t.equal(second.body.error.code, 'STREAM_LIMIT_REACHED');
  t.equal(second.body.error.details.max_streams, 1);

  const stop = await req(user, 'POST', '/streaming/m238/stop', { session_id: first.body.data.session_id });
  t.equal(stop.status, 200);
  t.equal(stop.body.data.status, 'stopped');
  t.equal(
    (await req(user, 'POST', '/streaming/m238/stop', { session_id: first.body.data.session_id })).status,
    404,
    'stopping twice is 404',
  );
  t.equal((await start(user, 'm155')).status, 201, 'the slot is free again');
});

t.test('parallel starts never exceed the plan', async (t) => {
  const user = await newUser(app);
  await subscribe(user, 'standard');
  const results = await Promise.all(Array.from({ length: 6 }, () => start(user, 'm27205')));
  t.equal(results.filter((r) => r.status === 201).length, 2, 'standard allows two streams');
  t.equal(results.filter((r) => r.status === 409).length, 4);
});

t.test('a silent session stops counting; heartbeats keep it', async (t) => {
  const user = await newUser(app);
  await subscribe(user, 'basic');
  const first = await start(user, 'm238');
  const beat = await req(user, 'PUT', '/streaming/m238/progress', {
    position: 600,
    duration: 10500,
    session_id: first.body.data.session_id,
  });
  t.equal(beat.status, 200);
  t.equal((await start(user, 'm155')).status, 409, 'still counted after a heartbeat');
  clock.advance(10 * 60_000); // ten minutes without a heartbeat
  t.equal((await start(user, 'm155')).status, 201, 'a stale session no longer holds the slot');
});

t.test('maturity and unknown titles', async (t) => {
  const user = await newUser(app);
  await subscribe(user, 'premium');
  await req(user, 'POST', '/profile', { maturity_filter: 'teen' });
  const restricted = await start(user, 'm238');
  t.equal(restricted.status, 403);
  t.equal(restricted.body.error.code, 'CONTENT_RESTRICTED');
  t.equal((await start(user, 'm99999999')).status, 404);
  t.equal((await start(user, 'not an id')).status, 400);
  t.equal((await start(user, 'm155', { quality: '8k' })).status, 400);
  t.equal((await start(user, 'm155', { role: 'admin' })).status, 400);
});

t.test('series start at the first episode; without ready media there is no playlist to hand out', async (t) => {
  const user = await newUser(app);
  await subscribe(user, 'standard');
  const series = await start(user, 's1396');
  t.equal(series.status, 201);
  t.type(series.body.data.episode_id, 'string');
  t.equal(series.body.data.manifest_url, null, 'no link that points at nothing');

  // The real ladder, its grants and its ceiling are covered by test/media-pipeline.test.ts.
  const manifest = await req(user, 'GET', '/streaming/m155/manifest');
  t.equal(manifest.status, 409);
  t.equal(manifest.body.error.code, 'MEDIA_NOT_READY');
  t.match(manifest.body.error.details, { content_id: 'm155', episode_id: null });
  const unsigned = await app.inject({
    method: 'GET',
    url: '/api/v1/media/m155/master.m3u8?h=1080&exp=9999999999&sig=AAAAAAAAAAAAAAAAAAAAAAAA',
  });
  t.equal(unsigned.statusCode, 403, 'a forged grant is refused');
});

t.test('another account cannot stop my session', async (t) => {
  const owner = await newUser(app);
  await subscribe(owner, 'basic');
  const session = await start(owner, 'm155');
  const intruder = await newUser(app);
  t.equal(
    (await req(intruder, 'POST', '/streaming/m155/stop', { session_id: session.body.data.session_id })).status,
    404,
  );
  t.equal((await start(owner, 'm27205')).status, 409, 'the owner’s session is still active');
});
