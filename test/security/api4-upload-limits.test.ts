// OWASP API4 on uploads, through real HTTP: the resumable (tus) upload is held to MEDIA_MAX_UPLOAD_BYTES
// whatever the client declares (too large, malformed, deferred or overrun lengths), and the multipart
// POST /admin/content to one file, one metadata field of at most 256 KiB and two parts.
import t from 'tap';
import { encodeMetadata } from '../support/tus.ts';
import { signup, startServer } from './support.ts';
import { form } from '../support/multipart.ts';

const MAX = 1000;
const server = await startServer(t, { MEDIA_MAX_UPLOAD_BYTES: String(MAX), MEDIA_MULTIPART_MAX_BYTES: '5000' });
const admin = await signup(server, true);
const auth = { authorization: `Bearer ${admin.token}` };
const metadata = { type: 'movie', title: 'Upload Limits', overview: 'Sent by the attack suite.', certification: 'PG' };
const movie = await server.req('POST', '/api/v1/admin/content', { token: admin.token, json: metadata });
if (movie.status !== 201) throw new Error(`no title: ${movie.status} ${movie.text}`);
const contentId = movie.body.data.content.id;

const TUS = { 'tus-resumable': '1.0.0' };
const uploads = `${server.base}/api/v1/admin/uploads`;
const create = (headers: Record<string, string>) =>
  fetch(uploads, {
    method: 'POST',
    headers: { ...TUS, ...auth, 'upload-metadata': encodeMetadata({ content_id: contentId }), ...headers },
  });
const patch = (location: string, offset: number, body: Buffer) =>
  fetch(new URL(location, server.base), {
    method: 'PATCH',
    headers: { ...TUS, ...auth, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
    body,
  });
const offsetOf = async (location: string) =>
  Number(
    (await fetch(new URL(location, server.base), { method: 'HEAD', headers: { ...TUS, ...auth } })).headers.get(
      'upload-offset',
    ),
  );

t.test('tus: the declared length is bounded and well formed', async (t) => {
  const atCap = await create({ 'upload-length': String(MAX) });
  t.equal(atCap.status, 201, 'an upload of MEDIA_MAX_UPLOAD_BYTES is accepted');
  t.ok(atCap.headers.get('location'));
  t.equal((await create({ 'upload-length': String(MAX + 1) })).status, 413, 'one byte more is 413');
  t.equal((await create({ 'upload-length': '9'.repeat(30) })).status, 400, 'a length past any safe integer is 400');
  for (const length of ['-1', 'abc', '1e3', '0x10', '1.5', '']) {
    t.equal((await create({ 'upload-length': length })).status, 400, `Upload-Length ${JSON.stringify(length)}`);
  }
});

t.test('tus: bytes past the declared length are refused and not stored', async (t) => {
  const created = await create({ 'upload-length': '100' });
  t.equal(created.status, 201);
  const location = created.headers.get('location')!;
  const part = await patch(location, 0, Buffer.alloc(60));
  t.equal(part.status, 204, 'a chunk within the length is stored');
  t.equal(await offsetOf(location), 60);
  const overrun = await patch(location, 60, Buffer.alloc(MAX * 4));
  t.equal(overrun.status, 413, 'a chunk past the declared length is 413');
  t.equal(await offsetOf(location), 60, 'and nothing of it was stored');
});

t.test('tus: a deferred length is still held to the cap', async (t) => {
  const deferred = await create({ 'upload-defer-length': '1' });
  t.equal(deferred.status, 201, 'an upload may defer its length');
  const location = deferred.headers.get('location')!;
  const overrun = await patch(location, 0, Buffer.alloc(MAX * 4));
  t.equal(overrun.status, 413, 'but its bytes past the cap are 413');
  t.ok((await offsetOf(location)) <= MAX, 'and no more than the cap was stored');
});

const postForm = async (body: FormData) => {
  const res = await fetch(`${server.base}/api/v1/admin/content`, { method: 'POST', headers: auth, body });
  return { status: res.status, body: (await res.json()) as { error: { code: string } } };
};

t.test('multipart: one file, one metadata field of at most 256 KiB, two parts', async (t) => {
  const ok = await postForm(form([['metadata', JSON.stringify({ ...metadata, title: 'Multipart fine' })]]));
  t.equal(ok.status, 201, 'a metadata-only form creates the title');

  const tooLong = { ...metadata, title: 'Long', overview: 'o'.repeat(300 * 1024) };
  const long = await postForm(form([['metadata', JSON.stringify(tooLong)]]));
  t.equal(long.status, 413, 'a metadata field over 256 KiB');
  t.equal(long.body.error.code, 'PAYLOAD_TOO_LARGE');

  const twoFiles = await postForm(
    form([
      ['metadata', JSON.stringify(metadata)],
      ['video_file', new Blob([Buffer.alloc(10)]), 'a.mp4'],
      ['video_file', new Blob([Buffer.alloc(10)]), 'b.mp4'],
    ]),
  );
  t.equal(twoFiles.status, 413, 'a second file');
  t.equal(twoFiles.body.error.code, 'PAYLOAD_TOO_LARGE');

  const many = form([['metadata', JSON.stringify(metadata)]]);
  for (let i = 0; i < 1000; i++) many.append(`f${i}`, 'x');
  const started = Date.now();
  const parts = await postForm(many);
  t.equal(parts.status, 413, '1,000 parts');
  t.equal(parts.body.error.code, 'PAYLOAD_TOO_LARGE');
  t.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms`);

  const big = await postForm(
    form([
      ['metadata', JSON.stringify(metadata)],
      ['video_file', new Blob([Buffer.alloc(6000)]), 'big.mp4'],
    ]),
  );
  t.equal(big.status, 413, 'a file over MEDIA_MULTIPART_MAX_BYTES');
  t.equal(big.body.error.code, 'PAYLOAD_TOO_LARGE');
});
