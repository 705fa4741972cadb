// Playback quality: beacons tied to the caller's playback session (totals, so repeats and late ones change
// nothing), validated, owner-checked; the admin report per title and overall (startup percentiles,
// rebuffering ratio, exits before start, error rate, average bitrate, score).
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, newAdmin, newUser, type TestUser } from './helpers/factories.ts';
import { qoeScore } from '../services/qoe/index.ts';

const app = await buildTestApp(t);
const admin = await newAdmin(app);
const req = (user: TestUser, method: 'GET' | 'POST', url: string, payload?: object) =>
  call(app, { method, url: `/api/v1${url}`, headers: user.headers, payload });

const viewer = await newUser(app);
const sub = await req(viewer, 'POST', '/subscriptions', {
  plan: 'basic',
  interval: 'month',
  payment_method: 'pm_card_visa',
});
if (sub.status !== 201 && sub.status !== 200) throw new Error(`subscribe failed: ${JSON.stringify(sub.body)}`);

const totals = (extra: object = {}) => ({
  kind: 'heartbeat',
  startup_ms: null,
  watch_ms: 0,
  rebuffer_count: 0,
  rebuffer_ms: 0,
  bitrate_switches: 0,
  renditions: [],
  dropped_frames: 0,
  fatal_errors: 0,
  ...extra,
});
const beacon = (user: TestUser, session: string, body: object) =>
  req(user, 'POST', `/streaming/sessions/${session}/qoe`, body);

/** One playback session: started, the given beacons sent in order, stopped. */
async function session(contentId: string, beacons: object[]): Promise<string> {
  const started = await req(viewer, 'POST', `/streaming/${contentId}/start`, { device_type: 'web', quality: '720p' });
  if (started.status !== 201) throw new Error(`start failed: ${JSON.stringify(started.body)}`);
  const id = started.body.data.session_id;
  for (const b of beacons) {
    const res = await beacon(viewer, id, b);
    if (res.status !== 202) throw new Error(`beacon refused: ${res.status} ${JSON.stringify(res.body)}`);
  }
  await req(viewer, 'POST', `/streaming/${contentId}/stop`, { session_id: id });
  return id;
}

const played = totals({
  startup_ms: 800,
  watch_ms: 60_000,
  rebuffer_count: 1,
  rebuffer_ms: 1500,
  bitrate_switches: 2,
  renditions: ['360p', '720p'],
  avg_bitrate_kbps: 2000,
  dropped_frames: 12,
});
const sessionA = await session('m238', [
  totals({ kind: 'start', startup_ms: 800, renditions: ['360p'] }),
  totals({
    startup_ms: 800,
    watch_ms: 30_000,
    rebuffer_count: 1,
    rebuffer_ms: 1500,
    bitrate_switches: 1,
    renditions: ['360p', '720p'],
    avg_bitrate_kbps: 1500,
  }),
  { ...played, kind: 'stop' },
  // A late duplicate of an earlier heartbeat: totals never go down.
  totals({
    startup_ms: 900,
    watch_ms: 30_000,
    rebuffer_count: 1,
    rebuffer_ms: 1500,
    renditions: ['360p'],
    avg_bitrate_kbps: 1500,
  }),
]);
// Left before the first frame.
await session('m238', [totals({ kind: 'start' }), totals({ kind: 'stop' })]);
// Started slowly, then failed.
await session('m155', [
  totals({ kind: 'start', startup_ms: 3000, renditions: ['1080p'], avg_bitrate_kbps: 5000 }),
  totals({
    kind: 'stop',
    startup_ms: 3000,
    watch_ms: 10_000,
    renditions: ['1080p'],
    avg_bitrate_kbps: 5000,
    fatal_errors: 1,
  }),
]);

t.test('the session summary keeps the totals, whatever the order of beacons', async (t) => {
  const [row] = await app.em().execute(`select * from playback_qoe where session_id = ?`, [sessionA]);
  t.match(row, {
    beacons: 4,
    startup_ms: 800,
    rebuffer_count: 1,
    bitrate_switches: 2,
    avg_bitrate_kbps: 2000,
    renditions: ['360p', '720p'],
    dropped_frames: 12,
    ended: true,
  });
  t.equal(Number(row.watch_ms), 60_000);
});

t.test('the admin report per title and overall', async (t) => {
  const res = await req(admin, 'GET', '/admin/analytics/qoe');
  t.equal(res.status, 200, JSON.stringify(res.body));
  const { overall, titles } = res.body.data;
  const m238 = titles.find((x: { content_id: string }) => x.content_id === 'm238');
  const m155 = titles.find((x: { content_id: string }) => x.content_id === 'm155');
  t.match(m238, {
    sessions: 2,
    watch_seconds: 60,
    startup_p50_ms: 800,
    startup_p95_ms: 800,
    rebuffering_ratio: 0.025,
    exits_before_start: 1,
    exit_before_start_rate: 0.5,
    error_rate: 0,
    avg_bitrate_kbps: 2000,
  });
  // Startup p95 0.8 s costs nothing; stalls 2.5 % are half the worst (0.30 × 0.5); exits 50 % cap (0.15).
  t.equal(m238.score, 70);
  t.match(m155, { sessions: 1, startup_p50_ms: 3000, error_rate: 1, exits_before_start: 0, avg_bitrate_kbps: 5000 });
  t.equal(m155.score, qoeScore({ startupP95: 3000, rebuffering: 0, errorRate: 1, ebvsRate: 0 }));
  t.match(overall, {
    sessions: 3,
    watch_seconds: 70,
    startup_p50_ms: 1900,
    exits_before_start: 1,
    error_rate: 0.3333,
  });
  t.equal(overall.avg_bitrate_kbps, Number(((2000 * 60 + 5000 * 10) / 70).toFixed(1)));
  t.equal(titles[0].content_id, 'm238', 'most sessions first');
});

t.test('the report filters by title and time', async (t) => {
  const one = await req(admin, 'GET', '/admin/analytics/qoe?content_id=m155');
  t.same(
    one.body.data.titles.map((x: { content_id: string }) => x.content_id),
    ['m155'],
  );
  t.equal(one.body.data.overall.sessions, 1);
  const future = new Date(Date.now() + 86_400_000).toISOString();
  const none = await req(
    admin,
    'GET',
    `/admin/analytics/qoe?from=${encodeURIComponent(future)}&to=${encodeURIComponent(new Date(Date.now() + 2 * 86_400_000).toISOString())}`,
  );
  t.equal(none.status, 200);
  t.equal(none.body.data.overall.sessions, 0);
  t.same(none.body.data.titles, []);
  t.equal(
    (await req(admin, 'GET', `/admin/analytics/qoe?from=${encodeURIComponent(future)}`)).status,
    400,
    'from after to',
  );
  t.equal((await req(admin, 'GET', '/admin/analytics/qoe?content_id=m0')).status, 400);
  t.equal((await req(viewer, 'GET', '/admin/analytics/qoe')).status, 403, 'admin only');
});

t.test('beacons: owner only, validated', async (t) => {
  const other = await newUser(app);
  const foreign = await beacon(other, sessionA, totals());
  t.equal(foreign.status, 404);
  t.equal(foreign.body.error.code, 'NOT_FOUND');
  t.equal((await beacon(viewer, crypto.randomUUID(), totals())).status, 404);
  const cases: Array<[string, string, object]> = [
    ['bad session id', 'nope', totals()],
    ['missing kind', sessionA, { ...totals(), kind: undefined }],
    ['unknown kind', sessionA, totals({ kind: 'pause' })],
    ['negative count', sessionA, totals({ rebuffer_count: -1 })],
    ['wrong type', sessionA, totals({ watch_ms: '10' })],
    ['extra field', sessionA, totals({ user_id: viewer.id })],
    ['too many renditions', sessionA, totals({ renditions: Array.from({ length: 21 }, (_, i) => `r${i}`) })],
    ['rendition name too long', sessionA, totals({ renditions: ['x'.repeat(21)] })],
    ['startup too long', sessionA, totals({ startup_ms: 600_001 })],
  ];
  for (const [name, id, body] of cases) {
    const res = await beacon(viewer, id, body);
    t.equal(res.status, 400, `${name}: ${JSON.stringify(res.body).slice(0, 160)}`);
  }
  const anon = await call(app, {
    method: 'POST',
    url: `/api/v1/streaming/sessions/${sessionA}/qoe`,
    payload: totals(),
  });
  t.equal(anon.status, 401);
});
