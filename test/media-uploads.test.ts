// tus uploads across instances and their expiry, with the media in an S3-compatible store (s3rver): an upload
// started on instance A and left hanging there is taken over by instance B (one lock per upload across both
// through Redis; on the embedded database the two are one instance), finished on B, processed, and its
// segments served by A from the bucket. An unfinished upload past MEDIA_UPLOAD_EXPIRY_HOURS answers 410 and
// the recurring job removes its bytes and fails its video.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import t from 'tap';
import { jobRegistry } from '../jobs/index.ts';
import { redisLocker } from '../services/media/tus-locker.ts';
import { EXPIRE_UPLOADS_JOB, expireUploads } from '../services/media/uploads.ts';
import { buildTestApp, usingPostgres, usingRedis } from './helpers/app.ts';
import { call, newAdmin, newUser } from './helpers/factories.ts';
import { addMovie } from './helpers/titles.ts';
import { drainJobs } from './support/media-jobs.ts';
import { testMedia } from './support/media-source.ts';
import { startS3 } from './support/s3-server.ts';
import { tusClient } from './support/tus.ts';

// Infrastructure first: tap tears down last-registered first, so the apps close before these go.
const s3 = await startS3();
t.teardown(s3.close);
const uploadsDir = await mkdtemp(path.join(os.tmpdir(), 'cinemate-uploads-'));
t.teardown(() => rm(uploadsDir, { recursive: true, force: true }));
const media = await testMedia();
t.teardown(() => media.cleanup());

// One deployment: the same bucket, uploads volume, secrets and Redis prefix on both instances.
const env: Record<string, string | undefined> = {
  ...s3.env,
  MEDIA_UPLOADS_DIR: uploadsDir,
  MEDIA_UPLOAD_EXPIRY_HOURS: '1',
  MEDIA_ENCODER_PRESET: 'ultrafast',
  MEDIA_LADDER: '240',
  JWT_SECRET: 'uploads-test-secret-0123456789abcdef',
  MEDIA_SIGNING_SECRET: 'uploads-test-media-secret-0123456789abcdef',
  ...(usingRedis
    ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `t:${process.pid}:${Date.now().toString(36)}:` }
    : {}),
};
const a = await buildTestApp(t, env);
const b = usingPostgres ? await buildTestApp(t, { ...env, DATABASE_URL: a.config.DATABASE_URL }) : a;
const baseA = await a.listen({ port: 0, host: '127.0.0.1' });
const baseB = b === a ? baseA : await b.listen({ port: 0, host: '127.0.0.1' });
const admin = await newAdmin(a);
const onA = tusClient(baseA, admin.headers);
const onB = tusClient(baseB, admin.headers);
const status = async (id: string) =>
  (await call(a, { method: 'GET', url: `/api/v1/admin/content/${id}/processing-status`, headers: admin.headers })).body
    .data;

/** Whether an upload's files are still on the volume, a moment after its last answer (removed just after it). */
async function lingers(id: string): Promise<boolean> {
  for (let i = 0; i < 30; i++) {
    if (!(await readdir(uploadsDir)).some((f) => f.startsWith(id))) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/** A PATCH that sends part of its announced body and then stalls, as a connection that died half-open. */
function stalledPatch(location: string, offset: number, rest: Buffer, sent: number) {
  const req = request(new URL(location, baseA), {
    method: 'PATCH',
    headers: {
      ...admin.headers,
      'tus-resumable': '1.0.0',
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
      'content-length': String(rest.length),
    },
  });
  const ended = new Promise<void>((resolve) => {
    req.on('response', (res) => res.resume().on('end', resolve));
    req.on('error', () => resolve());
    req.on('close', () => resolve());
  });
  const written = new Promise<void>((resolve) => req.write(rest.subarray(0, sent), () => resolve()));
  return { written, ended, abort: () => req.destroy() };
}

t.test(`an upload started on instance A is continued on instance ${b === a ? 'A again' : 'B'}`, async (t) => {
  const movie = await addMovie(a);
  const file = await readFile(await media.video({ width: 426, height: 240, seconds: 3 }));
  const created = await onA.create(file.length, { content_id: movie.id, filename: 'source.mp4' });
  t.equal(created.status, 201);
  t.ok(Date.parse(created.headers['upload-expires']) > Date.now(), 'the creation says when the upload expires');
  const location = created.headers.location;

  const stalled = stalledPatch(location, 0, file, Math.floor(file.length / 2));
  t.teardown(stalled.abort);
  await stalled.written;
  await new Promise((resolve) => setTimeout(resolve, 300));

  // The client reconnects through the other instance: its HEAD needs the upload's lock, which the stalled
  // PATCH on A holds; A is asked to let go, ends that PATCH (keeping its bytes) and B answers.
  const head = await onB.head(location);
  t.equal(head.status, 200);
  const gone = await Promise.race([
    stalled.ended.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000)),
  ]);
  t.ok(gone, 'the stalled PATCH on A was ended by the request on B');
  const offset = Number(head.headers['upload-offset']);
  t.ok(offset > 0 && offset < file.length, `${offset} of ${file.length} bytes were kept`);

  const done = await onB.patch(location, offset, file.subarray(offset));
  t.equal(done.status, 204);
  const mediaId = done.headers['media-id'];
  t.match(mediaId, /^[0-9a-f-]{36}$/);
  t.notOk(await lingers(mediaId), 'a finished upload leaves the volume');
  await drainJobs(b);
  t.match(await status(movie.id), { status: 'ready', media_id: mediaId, renditions: ['240p'] });

  // The ladder lives in the bucket: instance A serves it, by ranges too.
  t.ok(
    (await a.media.store.list(`media/${movie.id}`)).some((k) => k.endsWith('.ts')),
    'segments in the bucket',
  );
  const viewer = await newUser(a);
  const sub = { plan: 'basic', interval: 'month', payment_method: 'pm_card_visa' };
  await call(a, { method: 'POST', url: '/api/v1/subscriptions', headers: viewer.headers, payload: sub });
  const manifest = await call(a, {
    method: 'GET',
    url: `/api/v1/streaming/${movie.id}/manifest`,
    headers: viewer.headers,
  });
  t.equal(manifest.status, 200);
  const masterUrl = new URL(manifest.body.data.manifest_url);
  const local = new URL(`${masterUrl.pathname}${masterUrl.search}`, baseA);
  const master = await (await fetch(local)).text();
  const variant = new URL(master.split('\n').find((l) => l.startsWith(`a/${mediaId}/v240/`))!, local);
  const playlist = await (await fetch(variant)).text();
  const segment = new URL(playlist.split('\n').find((l) => l.startsWith('seg_'))!, variant);
  const whole = await fetch(segment);
  t.equal(whole.status, 200);
  t.equal(whole.headers.get('content-type'), 'video/mp2t');
  const bytes = Buffer.from(await whole.arrayBuffer());
  t.equal(Number(whole.headers.get('content-length')), bytes.length);
  const part = await fetch(segment, { headers: { range: 'bytes=100-299' } });
  t.equal(part.status, 206);
  t.equal(part.headers.get('content-range'), `bytes 100-299/${bytes.length}`);
  t.same(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 300));
  const missing = new URL(segment.toString().replace(/seg_\d{5}\.ts/, 'seg_99999.ts'));
  t.equal((await fetch(missing)).status, 404, 'a segment the ladder does not have');
  t.equal((await fetch(missing, { headers: { range: 'bytes=0-9' } })).status, 404, 'nor a range of it');
});

t.test('an unfinished upload past its expiry is gone and removed by the recurring job', async (t) => {
  t.ok(jobRegistry(a)[EXPIRE_UPLOADS_JOB]?.everySeconds, 'the expiry runs as a recurring job');
  const movie = await addMovie(a);
  // An empty video is complete at creation: answered (with the API's processing to follow), then removed.
  const empty = await onA.create(0, { content_id: movie.id });
  t.equal(empty.status, 201);
  t.notOk(empty.headers['upload-expires'], 'a complete upload does not expire');
  t.notOk(await lingers(empty.headers.location.split('/').pop()!), 'and leaves nothing');

  const old = await onA.create(1000, { content_id: movie.id });
  // The newer upload is the one the title's status reports.
  const kept = await onA.create(1000, { content_id: movie.id });
  const oldId = old.headers.location.split('/').pop()!;
  const sent = await onA.patch(old.headers.location, 0, Buffer.alloc(100, 1));
  t.equal(sent.status, 204);
  t.ok(sent.headers['upload-expires'], 'every PATCH says when the upload expires');
  t.equal((await onB.head(old.headers.location)).status, 200, 'fresh, it can be resumed');

  // Two hours pass for this upload (its creation date is what tus counts from).
  const info = path.join(uploadsDir, `${oldId}.json`);
  const upload = JSON.parse(await readFile(info, 'utf8'));
  upload.creation_date = new Date(Date.now() - 2 * 3_600_000).toISOString();
  await writeFile(info, JSON.stringify(upload));
  t.equal((await onB.head(old.headers.location)).status, 410, 'HEAD: 410 Gone');
  t.equal((await onB.patch(old.headers.location, 100, Buffer.alloc(10))).status, 410, 'PATCH: 410 Gone');

  t.equal(await expireUploads({ em: b.em(), media: b.media }), 1, 'one upload expired');
  t.notOk(
    (await readdir(uploadsDir)).some((f) => f.startsWith(oldId)),
    'its bytes and its record are gone',
  );
  t.equal((await onA.head(old.headers.location)).status, 404, 'afterwards the upload is unknown');
  t.equal((await onA.head(kept.headers.location)).status, 200, 'the fresh upload is untouched');
  t.match(await status(movie.id), {
    status: 'uploading',
    media_id: kept.headers.location.split('/').pop(),
  });
  const [row] = await a
    .em()
    .execute<{ status: string; error: string }[]>('select status, error from media_assets where id = ?', [oldId]);
  t.match(row, { status: 'failed', error: /expired/ });
});

t.test(
  'the Redis locker: one holder, a waiter asks it to let go, a lock never outlives its holder',
  {
    skip: usingRedis ? false : 'REDIS_URL is not set: the cross-instance locker is the Redis one',
  },
  async (t) => {
    const redis = new Redis(process.env.REDIS_URL!);
    t.teardown(() => redis.quit());
    const locker = redisLocker(redis, {
      prefix: `t:${process.pid}:locker:`,
      ttlMs: 600,
      renewMs: 100,
      acquireTimeoutMs: 400,
    });
    const never = new AbortController().signal;
    const timedOut = { status_code: 500, body: 'failed to acquire lock before timeout' };
    let asked = 0;
    const first = locker.newLock('u1');
    await first.lock(never, () => {
      asked++;
    });
    // Held well past its TTL: the holder renews it.
    await new Promise((resolve) => setTimeout(resolve, 900));
    const second = locker.newLock('u1');
    const waited = await second
      .lock(never, () => {})
      .then(
        () => null,
        (err: unknown) => err,
      );
    t.match(waited, timedOut, 'a waiter gives up after its timeout');
    t.ok(asked >= 1, 'the holder was asked to release');
    await first.unlock();
    await second.lock(never, () => {});
    t.pass('once released, the waiter gets the lock');
    await first.unlock();
    const third = locker.newLock('u1');
    const refused = await third
      .lock(never, () => {})
      .then(
        () => null,
        (err: unknown) => err,
      );
    t.match(refused, timedOut, 'an unlock by a former holder frees nothing');
    await second.unlock();
    await locker.newLock('u1').lock(never, () => {});
    t.pass('free again after its holder unlocks');
  },
);
