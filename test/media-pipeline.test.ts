// The media pipeline end to end through real HTTP: a subtitle sidecar, then a video uploaded with tus (cut off
// mid-way and resumed), processed by ffmpeg into an encrypted HLS ladder, then manifest → master → playlists →
// key → segments, with the grant's ceiling, tampering, expiry and foreign titles refused, and ffprobe
// decrypting the ladder through the API.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import t from 'tap';
import { grantQuery } from '../services/media/signing.ts';
import { buildTestApp } from './helpers/app.ts';
import { call, newAdmin, newUser, type TestUser } from './helpers/factories.ts';
import { addMovie } from './helpers/titles.ts';
import { drainJobs } from './support/media-jobs.ts';
import { testMedia } from './support/media-source.ts';
import { tusClient, uploadAll } from './support/tus.ts';
import { tampered } from './support/tamper.ts';

const exec = promisify(execFile);
const app = await buildTestApp(t, { MEDIA_ENCODER_PRESET: 'ultrafast', MEDIA_LADDER: '240,480,720,1080' });
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const media = await testMedia();
t.teardown(() => media.cleanup());
const admin = await newAdmin(app);
const tus = tusClient(base, admin.headers);
// It entered the catalog long ago: its first playable video makes it a new release.
const movie = await addMovie(app, { runtime: 120, availableAt: new Date(Date.now() - 400 * 86_400_000) });
const other = await addMovie(app);

const api = (user: TestUser, method: 'GET' | 'POST', url: string, payload?: object) =>
  call(app, { method, url: `/api/v1${url}`, headers: user.headers, payload });
const status = async (id: string) =>
  (await call(app, { method: 'GET', url: `/api/v1/admin/content/${id}/processing-status`, headers: admin.headers }))
    .body.data;
const get = (url: string, headers: Record<string, string> = {}) => fetch(new URL(url, base), { headers });
const local = (url: string) => {
  const u = new URL(url);
  return `${base}${u.pathname}${u.search}`;
};

t.test('a subtitle sent before the video is validated and kept', async (t) => {
  const srt = await readFile(await media.srt());
  const res = await uploadAll(tus, srt, { content_id: movie.id, kind: 'subtitle', language: 'en', label: 'English' });
  t.equal(res.status, 204);
  t.notOk(res.headers['media-id'], 'no video yet: nothing to re-encode');

  const bad = await uploadAll(tus, Buffer.from('not a subtitle at all'), {
    content_id: movie.id,
    kind: 'subtitle',
    language: 'de',
  });
  t.equal(bad.status, 422, 'a file that is not SRT/WebVTT is refused');
  const noLang = await tus.create(10, { content_id: movie.id, kind: 'subtitle' });
  t.equal(noLang.status, 400);
  t.equal((await tus.create(10, { content_id: 'm1' })).status, 404, 'unknown title');
  t.equal((await tus.create(10, { content_id: movie.id, role: 'admin' })).status, 400, 'unknown metadata key');
});

t.test('uploads are admin only and capped', async (t) => {
  const user = await newUser(app);
  t.equal((await tusClient(base, user.headers).create(10, { content_id: movie.id })).status, 403);
  t.equal((await tusClient(base, {}).create(10, { content_id: movie.id })).status, 401);
  t.equal((await tus.create(app.media.maxUploadBytes + 1, { content_id: movie.id })).status, 413);
});

let mediaId = '';

t.test('a resumable upload survives a dropped connection and is processed', async (t) => {
  const file = await readFile(await media.video({ width: 1280, height: 720, seconds: 4 }));
  const created = await tus.create(file.length, { content_id: movie.id, filename: 'source.mp4' });
  t.equal(created.status, 201);
  const location = created.headers.location;
  t.match(location, /^\/api\/v1\/admin\/uploads\/[0-9a-f-]{36}$/);
  t.equal((await status(movie.id)).status, 'uploading');

  await tus.interruptedPatch(location, 0, file, Math.floor(file.length / 2));
  const head = await tus.head(location);
  t.equal(head.status, 200);
  const offset = Number(head.headers['upload-offset']);
  t.ok(offset > 0 && offset < file.length, `the server kept ${offset} of ${file.length} bytes`);

  const done = await tus.patch(location, offset, file.subarray(offset));
  t.equal(done.status, 204);
  mediaId = done.headers['media-id'];
  t.match(mediaId, /^[0-9a-f-]{36}$/);
  t.match(await status(movie.id), { status: 'processing', stages: { upload: 'completed' }, media_id: mediaId });
  const [owner] = await app
    .em()
    .execute<{ uploaded_by: string }[]>('select uploaded_by from media_assets where id = ?', [mediaId]);
  t.equal(owner.uploaded_by, admin.id, 'the uploading admin is recorded (progress is pushed to them)');

  const publishing = Date.now();
  await drainJobs(app);
  const ready = await status(movie.id);
  t.match(ready, {
    status: 'ready',
    progress: 100,
    error: null,
    playable: true,
    stages: {
      upload: 'completed',
      encoding: 'completed',
      thumbnail_generation: 'completed',
      cdn_distribution: 'completed',
    },
  });
  t.same(ready.renditions, ['240p', '480p', '720p'], 'only the rungs at or below the 720p source');
  t.ok(Math.abs(ready.duration_seconds - 4) < 0.3, `duration ${ready.duration_seconds}`);
  const [row] = await app.em().execute<{ runtime: number }[]>('select runtime from titles where id = ?', [movie.id]);
  t.equal(row.runtime, 1, 'the runtime comes from the media (4 s → 1 minute), not the metadata (120)');
  t.same(await app.media.store.list('staging'), [], 'nothing left in staging');
  const [available] = await app
    .em()
    .execute<{ available_at: Date }[]>('select available_at from titles where id = ?', [movie.id]);
  t.ok(new Date(available.available_at).getTime() >= publishing - 1000, 'available from the moment it is playable');
  await app.catalog.invalidate();
  const fresh = await app.inject({ method: 'GET', url: '/api/v1/content/new-releases?days=1&limit=5' });
  t.equal(fresh.json().data.content[0].id, movie.id, 'first on new releases');
});

t.test('manifest, master, playlists, key and segments', async (t) => {
  const viewer = await newUser(app);
  t.equal((await api(viewer, 'GET', `/streaming/${movie.id}/manifest`)).status, 402);
  await api(viewer, 'POST', '/subscriptions', { plan: 'basic', interval: 'month', payment_method: 'pm_card_visa' });
  const manifest = await api(viewer, 'GET', `/streaming/${movie.id}/manifest`);
  t.equal(manifest.status, 200);
  const m = manifest.body.data;
  t.match(m, {
    content_id: movie.id,
    media_id: mediaId,
    max_quality: '720p',
    available_qualities: ['240p', '480p', '720p'],
    subtitles: [{ language: 'en', name: 'English' }],
    audio_tracks: [
      { language: 'eng', codec: 'aac', default: true },
      { language: 'fra', codec: 'aac', default: false },
    ],
  });
  t.match(m.drm_license_url, new RegExp(`/api/v1/media/${movie.id}/a/${mediaId}/key\\?`));

  const masterRes = await get(local(m.manifest_url));
  t.equal(masterRes.status, 200);
  t.match(masterRes.headers.get('content-type'), /application\/vnd\.apple\.mpegurl/);
  t.match(masterRes.headers.get('cache-control'), /max-age=30/);
  const master = await masterRes.text();
  t.equal(master.match(/#EXT-X-STREAM-INF/g)?.length, 3);
  t.equal(master.match(/TYPE=AUDIO/g)?.length, 2);
  t.equal(master.match(/TYPE=SUBTITLES/g)?.length, 1);
  t.match(master, /RESOLUTION=1280x720,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2",AUDIO="aud",SUBTITLES="subs"/);

  const masterUrl = new URL(local(m.manifest_url));
  const v720 = new URL(master.split('\n').find((l) => l.startsWith(`a/${mediaId}/v720/`))!, masterUrl);
  const playlist = await (await get(v720.toString())).text();
  t.match(playlist, /#EXT-X-KEY:METHOD=AES-128,URI="\.\.\/key\?[^"]*sig=/);
  t.match(playlist, /#EXT-X-ENDLIST/);
  const segment = new URL(playlist.split('\n').find((l) => l.startsWith('seg_'))!, v720);
  const seg = await get(segment.toString());
  t.equal(seg.status, 200);
  t.equal(seg.headers.get('content-type'), 'video/mp2t');
  t.match(seg.headers.get('cache-control'), /immutable/);
  const whole = Buffer.from(await seg.arrayBuffer());
  t.equal(whole[0] === 0x47 && whole[188] === 0x47, false, 'segments are encrypted (no clear TS sync bytes)');
  const part = await get(segment.toString(), { range: 'bytes=16-47' });
  t.equal(part.status, 206);
  t.equal(part.headers.get('content-range'), `bytes 16-47/${whole.length}`);
  t.same(Buffer.from(await part.arrayBuffer()), whole.subarray(16, 48));
  t.equal((await get(segment.toString(), { range: `bytes=${whole.length + 5}-` })).status, 416);

  const key = await get(new URL(`../key${v720.search}`, v720).toString());
  t.equal(key.status, 200);
  t.equal((await key.arrayBuffer()).byteLength, 16);
  t.match(key.headers.get('cache-control'), /no-store/);

  for (const url of [m.poster_url, m.storyboard_url, m.subtitles[0].url])
    t.equal((await get(local(url))).status, 200, url);
  t.match(await (await get(local(m.subtitles[0].url))).text(), /WEBVTT[\s\S]*Hello/);

  // ffprobe plays the ladder through the API: it fetches the key and decrypts the segments.
  const probed = await exec('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', v720.toString()]);
  const streams = JSON.parse(probed.stdout).streams;
  t.match(streams, [{ codec_name: 'h264', width: 1280, height: 720 }]);
});

t.test('grants: ceiling, tampering, expiry and foreign titles', async (t) => {
  const viewer = await newUser(app);
  await api(viewer, 'POST', '/subscriptions', { plan: 'basic', interval: 'month', payment_method: 'pm_card_visa' });
  const start = await api(viewer, 'POST', `/streaming/${movie.id}/start`, { device_type: 'web', quality: '480p' });
  t.equal(start.status, 201);
  const masterUrl = new URL(local(start.body.data.manifest_url));
  const master = await (await get(masterUrl.toString())).text();
  t.equal(master.match(/#EXT-X-STREAM-INF/g)?.length, 2, 'a 480p session lists 240p and 480p only');
  t.notMatch(master, /v720/);
  const above = new URL(`a/${mediaId}/v720/index.m3u8${masterUrl.search}`, masterUrl);
  t.equal((await get(above.toString())).status, 403, 'a rendition above the ceiling');
  const aboveSegment = new URL(`a/${mediaId}/v720/seg_00000.ts${masterUrl.search}`, masterUrl);
  t.equal((await get(aboveSegment.toString())).status, 403, 'a segment above the ceiling');

  const raised = new URL(masterUrl);
  raised.searchParams.set('h', '720');
  t.equal((await get(raised.toString())).status, 403, 'a raised ceiling breaks the signature');
  const foreign = new URL(masterUrl.toString().replace(`/media/${movie.id}/`, `/media/${other.id}/`));
  t.equal((await get(foreign.toString())).status, 403, 'another title with this grant');
  const foreignAsset = new URL(`a/${mediaId}/v240/index.m3u8`, masterUrl);
  foreignAsset.search = grantQuery(app.media.signingSecret, {
    titleId: other.id,
    episodeId: null,
    maxHeight: 720,
    expiresAt: Math.floor(Date.now() / 1000) + 60,
  });
  const otherPath = new URL(foreignAsset.toString().replace(`/media/${movie.id}/`, `/media/${other.id}/`));
  t.equal((await get(otherPath.toString())).status, 404, "another title's grant cannot reach this asset");
  const expired = new URL(masterUrl);
  expired.search = grantQuery(app.media.signingSecret, {
    titleId: movie.id,
    episodeId: null,
    maxHeight: 480,
    expiresAt: Math.floor(Date.now() / 1000) - 1,
  });
  t.equal((await get(expired.toString())).status, 403, 'an expired grant');
  const key = new URL(`a/${mediaId}/key${masterUrl.search}`, masterUrl);
  t.equal((await get(key.toString())).status, 200);
  key.searchParams.set('sig', tampered(key.searchParams.get('sig')!));
  t.equal((await get(key.toString())).status, 403, 'the key needs a valid grant');
});

t.test('a title without ready media answers 409 MEDIA_NOT_READY', async (t) => {
  const viewer = await newUser(app);
  await api(viewer, 'POST', '/subscriptions', { plan: 'basic', interval: 'month', payment_method: 'pm_card_visa' });
  const res = await api(viewer, 'GET', `/streaming/${other.id}/manifest`);
  t.equal(res.status, 409);
  t.equal(res.body.error.code, 'MEDIA_NOT_READY');
  const start = await api(viewer, 'POST', `/streaming/${other.id}/start`, { device_type: 'web', quality: '480p' });
  t.equal(start.status, 201, 'the stream slot itself does not need media');
  t.equal(start.body.data.manifest_url, null);
});
