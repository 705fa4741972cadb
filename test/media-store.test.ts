// The media store contract: every implementation (the local filesystem now, S3 later) must pass these.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';

type Tap = typeof t;
import { localStore, type MediaStore, readText, StoreError } from '../services/media/store.ts';

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
