// Seed 001's multipart POST /admin/content: metadata JSON + video_file creates the title and processes the
// video; the JSON form still works; limits (file size, parts, field names, metadata validation) are enforced.
import { readFile } from 'node:fs/promises';
import t from 'tap';
import WebSocket from 'ws';
import { buildTestApp } from './helpers/app.ts';
import { call, newAdmin } from './helpers/factories.ts';
import { drainJobs } from './support/media-jobs.ts';
import { testMedia } from './support/media-source.ts';
import { form } from './support/multipart.ts';

const app = await buildTestApp(t, { MEDIA_ENCODER_PRESET: 'ultrafast', MEDIA_MULTIPART_MAX_BYTES: '2000000' });
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const media = await testMedia();
t.teardown(() => media.cleanup());
const admin = await newAdmin(app);
const video = await readFile(await media.video());
const metadata = { type: 'movie', title: 'Multipart Original', overview: 'Sent as a form.', certification: 'PG' };

const post = (form: FormData) =>
  fetch(`${base}/api/v1/admin/content`, { method: 'POST', headers: admin.headers, body: form });

t.test('metadata + video_file creates the title and processes the video', async (t) => {
  // The uploading admin follows the progress over the WebSocket.
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/ws?token=${admin.token}`);
  const pushed: Array<{ status: string; progress: number }> = [];
  ws.on('message', (raw) => {
    const msg = JSON.parse(raw.toString());
    if (msg.type === 'media.processing') pushed.push(msg.data);
  });
  await new Promise((resolve) => ws.once('open', resolve));
  t.teardown(() => ws.close());
  const res = await post(
    form([
      ['metadata', JSON.stringify(metadata)],
      ['video_file', new Blob([video]), 'film.mp4'],
    ]),
  );
  t.equal(res.status, 201);
  const content = ((await res.json()) as { data: { content: { id: string } } }).data.content;
  t.match(content, { title: 'Multipart Original', type: 'movie' });
  const status = async () =>
    (
      await call(app, {
        method: 'GET',
        url: `/api/v1/admin/content/${content.id}/processing-status`,
        headers: admin.headers,
      })
    ).body.data;
  t.match(await status(), { status: 'processing', stages: { upload: 'completed' } });
  await drainJobs(app);
  t.match(await status(), { status: 'ready', progress: 100, renditions: ['240p'] });
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.ok(
    pushed.some((m) => m.status === 'processing'),
    'progress was pushed while processing',
  );
  t.match(pushed.at(-1), { status: 'ready', progress: 100 }, 'and the end');
});

t.test('metadata alone, or the JSON form, creates a title without media', async (t) => {
  const res = await post(form([['metadata', JSON.stringify({ ...metadata, title: 'No video' })]]));
  t.equal(res.status, 201);
  const json = await call(app, {
    method: 'POST',
    url: '/api/v1/admin/content',
    headers: admin.headers,
    payload: { ...metadata, title: 'JSON form' },
  });
  t.equal(json.status, 201);
});

t.test('limits and validation', async (t) => {
  const big = await post(
    form([
      ['metadata', JSON.stringify(metadata)],
      ['video_file', new Blob([Buffer.alloc(2_100_000)]), 'big.mp4'],
    ]),
  );
  t.equal(big.status, 413, 'a file above MEDIA_MULTIPART_MAX_BYTES');
  const extra = await post(
    form([
      ['metadata', JSON.stringify(metadata)],
      ['video_file', new Blob([video]), 'a.mp4'],
      ['other', 'x'],
    ]),
  );
  t.equal(extra.status, 413, 'more parts than allowed');
  t.equal((await post(form([['video_file', new Blob([video]), 'a.mp4']]))).status, 400, 'metadata is required');
  t.equal((await post(form([['metadata', '{not json']]))).status, 400);
  const invalid = await post(form([['metadata', JSON.stringify({ ...metadata, role: 'admin' })]]));
  t.equal(invalid.status, 400, 'metadata is validated like the JSON body');
  const series = await post(
    form([
      ['metadata', JSON.stringify({ ...metadata, type: 'series' })],
      ['video_file', new Blob([video]), 'a.mp4'],
    ]),
  );
  t.equal(series.status, 400, 'series videos go per episode through tus');
});
