// The media store contract: both implementations (the local filesystem, and S3 against a real S3-speaking
// server) pass the same suite; then how MEDIA_STORE and MEDIA_S3_* are checked at start-up.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import { buildApp } from '../app.ts';
import { loadConfig } from '../services/config.ts';
import { s3Store } from '../services/media/s3-store.ts';
import { localStore, type MediaStore, readText, StoreError } from '../services/media/store.ts';
import { startS3 } from './support/s3-server.ts';

type Tap = typeof t;

const read = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};

async function contract(t: Tap, name: string, make: () => Promise<{ store: MediaStore; done: () => Promise<void> }>) {
  t.test(name, async (t) => {
    const { store, done } = await make();
    t.teardown(done);

    t.test('put, get, stat, ranges', async (t) => {
      await store.put('a/b/one.txt', 'hello world');
      await store.put('a/b/two.txt', Buffer.from('second'));
      await store.put('a/c/three.txt', Readable.from(['str', 'eam']));
      t.equal(await readText(store, 'a/b/one.txt'), 'hello world');
      t.equal(await readText(store, 'a/c/three.txt'), 'stream');
      t.equal((await store.stat('a/b/one.txt'))?.size, 11);
      t.equal(await store.stat('a/b/missing.txt'), null);
      t.equal(await read(await store.get('a/b/one.txt', { start: 6, end: 10 })), 'world');
      await t.rejects(store.get('a/b/missing.txt'), { code: 'NOT_FOUND' });
      await store.put('a/b/one.txt', 'replaced');
      t.equal(await readText(store, 'a/b/one.txt'), 'replaced', 'a put replaces the object whole');
    });

    t.test('list and delete by prefix', async (t) => {
      t.same(await store.list('a'), ['a/b/one.txt', 'a/b/two.txt', 'a/c/three.txt']);
      t.same(await store.list('a/b'), ['a/b/one.txt', 'a/b/two.txt']);
      t.same(await store.list('nothing/here'), []);
      await store.delete('a/b/two.txt');
      await store.delete('a/never');
      t.same(await store.list('a'), ['a/b/one.txt', 'a/c/three.txt']);
    });

    t.test('rename publishes a prefix at once and never overwrites', async (t) => {
      await store.put('staging/x/v240/index.m3u8', '#EXTM3U');
      await store.put('staging/x/master.m3u8', '#EXTM3U');
      await store.rename('staging/x', 'media/t/_/x');
      t.same(await store.list('media/t/_/x'), ['media/t/_/x/master.m3u8', 'media/t/_/x/v240/index.m3u8']);
      t.same(await store.list('staging/x'), []);
      await store.put('staging/y/master.m3u8', 'new');
      await t.rejects(store.rename('staging/y', 'media/t/_/x'), { code: 'EXISTS' });
      t.equal(await readText(store, 'media/t/_/x/master.m3u8'), '#EXTM3U');
      await t.rejects(store.rename('staging/none', 'media/t/_/z'), { code: 'NOT_FOUND' });
      await store.delete('media/t');
      t.same(await store.list('media'), []);
    });

    t.test('a large object is stored whole from a stream and read back by ranges', async (t) => {
      // 20 MiB in 1 MiB chunks: more than one part of an S3 multipart upload.
      const mib = (i: number) => Buffer.alloc(1024 * 1024, i);
      await store.put('big/source', Readable.from(Array.from({ length: 20 }, (_, i) => mib(i))));
      t.equal((await store.stat('big/source'))?.size, 20 * 1024 * 1024);
      const tail = Buffer.from(
        await read(await store.get('big/source', { start: 19 * 1024 * 1024 - 2, end: 19 * 1024 * 1024 + 1 })),
        'binary',
      );
      t.equal(tail.length, 4);
      let whole = 0;
      for await (const c of await store.get('big/source')) whole += (c as Buffer).length;
      t.equal(whole, 20 * 1024 * 1024, 'the whole object streams back');

      let sent = 0;
      const dying = new Readable({
        read() {
          if (sent++ < 18) this.push(mib(sent));
          else this.destroy(new Error('connection lost'));
        },
      });
      await t.rejects(store.put('big/other', dying));
      t.equal(await store.stat('big/other'), null, 'a large write that fails midway leaves nothing');
      t.equal((await store.stat('big/source'))?.size, 20 * 1024 * 1024);
      await store.delete('big');
      t.same(await store.list('big'), []);
    });

    t.test('keys cannot leave the store', async (t) => {
      for (const bad of ['../etc/passwd', 'a/../../b', '/abs', 'a//b', 'a/b c', ''])
        await t.rejects(store.put(bad, 'x'), StoreError, bad);
    });

    t.test('a failed write leaves nothing behind', async (t) => {
      const failing = new Readable({
        read() {
          this.destroy(new Error('connection lost'));
        },
      });
      await t.rejects(store.put('partial/file.ts', failing));
      t.equal(await store.stat('partial/file.ts'), null);
      t.same(await store.list('partial'), []);
    });
  });
}

await contract(t, 'local filesystem store', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cinemate-store-'));
  return { store: localStore(root), done: () => rm(root, { recursive: true, force: true }) };
});

await contract(t, 'S3 store (s3rver)', async () => {
  const s3 = await startS3();
  const store = s3Store({
    bucket: s3.bucket,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  });
  return { store, done: s3.close };
});

t.test('MEDIA_STORE=s3 is checked at start-up', async (t) => {
  const s3 = await startS3();
  t.teardown(s3.close);
  const base = { NODE_ENV: 'test', DATA_DIR: 'memory://', LOG_LEVEL: 'silent' };

  const app = await buildApp({ env: { ...base, ...s3.env } });
  await app.ready();
  await app.media.store.put('probe/ok.txt', 'ok');
  t.equal(await readText(app.media.store, 'probe/ok.txt'), 'ok', 'the app stores its media in the bucket');
  await app.close();

  t.throws(() => loadConfig({ ...base, MEDIA_STORE: 's3' }), /MEDIA_S3_BUCKET: required when MEDIA_STORE=s3/);
  t.throws(
    () => loadConfig({ ...base, ...s3.env, MEDIA_S3_SECRET_ACCESS_KEY: '' }),
    /MEDIA_S3_ACCESS_KEY_ID: set with MEDIA_S3_SECRET_ACCESS_KEY/,
  );
  t.throws(() => loadConfig({ ...base, ...s3.env, MEDIA_STORE: 'ftp' }), /MEDIA_STORE/);
  t.throws(() => loadConfig({ ...base, ...s3.env, MEDIA_S3_ENDPOINT: 'localhost:9000' }), /MEDIA_S3_ENDPOINT/);
  await t.rejects(
    buildApp({ env: { ...base, ...s3.env, MEDIA_S3_BUCKET: 'no-such-bucket' } }).then((app) => app.ready()),
    /MEDIA_S3_BUCKET: bucket "no-such-bucket" cannot be listed/,
    'a bucket that cannot be reached stops the start',
  );
});
