// Media pipeline faults and replacement: empty, non-video and truncated uploads end `failed` with a readable
// reason; a full store leaves nothing half-published; a job that died mid-way restarts cleanly; a second upload
// replaces the ladder only once it is ready; sidecars added after the video re-encode it; ffmpeg missing.
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { StoreError } from '../services/media/store.ts';
import { claim } from '../repositories/jobs.ts';
import { buildTestApp } from './helpers/app.ts';
import { testClock } from './helpers/clock.ts';
import { call, newAdmin, newUser } from './helpers/factories.ts';
import { addMovie } from './helpers/titles.ts';
import { drainJobs } from './support/media-jobs.ts';
import { testMedia, truncated } from './support/media-source.ts';
import { tusClient, uploadAll } from './support/tus.ts';

const clock = testClock();
const app = await buildTestApp(t, { MEDIA_ENCODER_PRESET: 'ultrafast' }, { clock });
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const media = await testMedia();
t.teardown(() => media.cleanup());
const admin = await newAdmin(app);
const tus = tusClient(base, admin.headers);
const source = await readFile(await media.video());
const viewer = await newUser(app);
await call(app, {
  method: 'POST',
  url: '/api/v1/subscriptions',
  headers: viewer.headers,
  payload: { plan: 'basic', interval: 'month', payment_method: 'pm_card_visa' },
});

const status = async (id: string) =>
  (await call(app, { method: 'GET', url: `/api/v1/admin/content/${id}/processing-status`, headers: admin.headers }))
    .body.data;
const manifest = async (id: string) =>
  call(app, { method: 'GET', url: `/api/v1/streaming/${id}/manifest`, headers: viewer.headers });
const upload = async (id: string, data: Buffer, meta: Record<string, string> = {}) => {
  const res = await uploadAll(tus, data, { content_id: id, ...meta });
  if (res.status !== 204 && res.status !== 201) throw new Error(`upload ${res.status} ${res.body}`);
  return res.headers['media-id'];
};

t.test('bad input ends failed with a readable reason', async (t) => {
  const cases: Array<[string, Buffer, RegExp]> = [
    ['zero-length', Buffer.alloc(0), /empty/],
    [
      'not a video',
      Buffer.from('just some text pretending to be a movie\n'.repeat(50)),
      /not a readable video|Unsupported/,
    ],
    ['truncated', await truncated(await media.video()), /not a readable video|truncated|Encoding failed/],
  ];
  for (const [name, data, reason] of cases) {
    const movie = await addMovie(app);
    const id = await upload(movie.id, data, { filename: 'movie.mp4' });
    t.ok(id, `${name}: accepted for processing`);
    await drainJobs(app);
    const s = await status(movie.id);
    t.equal(s.status, 'failed', name);
    t.match(s.error, reason, `${name}: ${s.error}`);
    t.equal(s.playable, false);
    t.ok(Object.values(s.stages).includes('failed'), `${name}: the failing stage is marked`);
    t.equal((await manifest(movie.id)).body.error.code, 'MEDIA_NOT_READY');
  }
  t.same(await app.media.store.list('staging'), []);
});

t.test('a full store fails the job and leaves nothing half-published', async (t) => {
  const movie = await addMovie(app);
  const store = app.media.store;
  const put = store.put;
  store.put = async (key, body) => {
    if (key.startsWith('staging/') && key.endsWith('.ts'))
      throw new StoreError('NO_SPACE', 'The media store is out of space');
    return put.call(store, key, body);
  };
  t.teardown(() => {
    store.put = put;
  });
  await upload(movie.id, source);
  await drainJobs(app);
  store.put = put;
  const s = await status(movie.id);
  t.equal(s.status, 'failed');
  t.match(s.error, /out of space/);
  t.equal(s.stages.cdn_distribution, 'failed');
  t.same(await store.list('staging'), []);
  t.same(await store.list(`media/${movie.id}`), [], 'no partial ladder');
  const [job] = await app
    .em()
    .execute<{ status: string }[]>(
      `select status from jobs where name = 'media.process' and payload->>'asset_id' = ?`,
      [s.media_id],
    );
  t.equal(job.status, 'queued', 'a transient failure is retried later');
});

t.test('replacement: the old ladder plays until the new one is ready; a dead job restarts cleanly', async (t) => {
  const movie = await addMovie(app);
  const first = await upload(movie.id, source);
  await drainJobs(app);
  t.equal((await manifest(movie.id)).body.data.media_id, first);

  const second = await upload(movie.id, source);
  t.equal((await status(movie.id)).status, 'processing');
  t.equal((await manifest(movie.id)).body.data.media_id, first, 'still the old ladder while the new one is processed');
  // A worker took the job and died mid-publish: stale staging and a half-copied ladder, then its lease ran out.
  const taken = await claim(app.em(), ['media.process'], 10, 120, clock.now());
  t.same(
    taken.map((job) => (job.payload as { asset_id: string }).asset_id),
    [second],
    'the dead worker held the new upload',
  );
  await app.media.store.put(`staging/${second}/v240/seg_00000.ts`, 'partial');
  await app.media.store.put(`media/${movie.id}/_/${second}/master.m3u8`, 'half');
  t.same(
    await claim(app.em(), ['media.process'], 10, 120, clock.now()),
    [],
    'nobody takes it over while its lease holds',
  );
  clock.advance(121_000);
  await drainJobs(app);

  const m = await manifest(movie.id);
  t.equal(m.body.data.media_id, second, 'the new ladder is served once ready');
  const master = await app.inject(
    new URL(m.body.data.manifest_url).pathname + new URL(m.body.data.manifest_url).search,
  );
  t.equal(master.statusCode, 200);
  t.match(master.body, /#EXT-X-STREAM-INF/, 'the restarted job published a real master');
  t.same(await app.media.store.list('staging'), []);
  t.same(await app.media.store.list(`media/${movie.id}/_/${first}`), [], 'the replaced ladder is removed');
  const [old] = await app.em().execute<{ status: string }[]>('select status from media_assets where id = ?', [first]);
  t.equal(old.status, 'replaced');
});

t.test('sidecars added after the video are merged into a new ladder', async (t) => {
  const movie = await addMovie(app);
  await upload(movie.id, source);
  await drainJobs(app);
  const audioId = await upload(movie.id, source, { kind: 'audio', language: 'de', label: 'Deutsch' });
  t.ok(audioId, 'a re-encode is queued');
  const srt = await readFile(await media.srt());
  await upload(movie.id, srt, { kind: 'subtitle', language: 'es' });
  await drainJobs(app);
  const m = (await manifest(movie.id)).body.data;
  t.same(
    m.audio_tracks.map((a: { language: string }) => a.language),
    ['eng', 'fra', 'de'],
  );
  t.same(
    m.subtitles.map((s: { language: string }) => s.language),
    ['es'],
  );
  t.equal((await status(movie.id)).status, 'ready');
});

t.test('ffmpeg missing: start-up says so and processing fails with the reason', async (t) => {
  const broken = await buildTestApp(t, { FFMPEG_PATH: '/nonexistent/ffmpeg', MEDIA_ENCODER_PRESET: 'ultrafast' });
  t.equal(broken.media.tools.ffmpeg, null);
  t.match(broken.media.tools.version, /ffmpeg not found/);
  const url = await broken.listen({ port: 0, host: '127.0.0.1' });
  const boss = await newAdmin(broken);
  const movie = await addMovie(broken);
  const res = await uploadAll(tusClient(url, boss.headers), source, { content_id: movie.id });
  t.equal(res.status, 204);
  await drainJobs(broken);
  const s = (
    await call(broken, {
      method: 'GET',
      url: `/api/v1/admin/content/${movie.id}/processing-status`,
      headers: boss.headers,
    })
  ).body.data;
  t.equal(s.status, 'failed');
  t.match(s.error, /ffmpeg is unavailable/);
});
