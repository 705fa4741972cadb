// The media store: where sources, sidecars and published HLS ladders live, behind one small interface so the
// local filesystem (the embedded default) and an S3-compatible bucket are interchangeable.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StoredObject {
  size: number;
  modifiedAt: Date;
}

export interface ByteRange {
  start: number;
  /** Inclusive, as in an HTTP Range header. */
  end: number;
}

/**
 * Keys are relative, slash-separated paths (`media/m155/_/<asset>/v240/seg_00000.ts`). Every write is atomic
 * per object (a reader never sees half a file); `rename` moves a whole prefix and is how a ladder is published:
 * one rename(2) here, server-side copies in the S3 store (`s3-store.ts`), where the database row that names the
 * ready asset is what switches readers to a new (never reused) prefix.
 */
export interface MediaStore {
  put(key: string, body: Readable | Buffer | string): Promise<void>;
  get(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<StoredObject | null>;
  /** Every key under the prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Deletes the key, or every key under it when it is a prefix. Missing keys are not an error. */
  delete(keyOrPrefix: string): Promise<void>;
  /** Moves every key under `from` to `to`; fails when `to` already holds something. */
  rename(from: string, to: string): Promise<void>;
}

export class StoreError extends Error {
  readonly code: 'NOT_FOUND' | 'EXISTS' | 'NO_SPACE' | 'BAD_KEY';
  constructor(code: StoreError['code'], message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Refuses keys that could leave the store (absolute, `..`, empty parts, odd characters). */
export function checkKey(key: string): string {
  const parts = key.split('/');
  if (parts.length === 0 || parts.some((p) => !SEGMENT.test(p) || p === '.' || p === '..')) {
    throw new StoreError('BAD_KEY', `Invalid media key "${key}"`);
  }
  return key;
}

const noSpace = (err: unknown) =>
  (err as NodeJS.ErrnoException)?.code === 'ENOSPC' || (err as NodeJS.ErrnoException)?.code === 'EDQUOT';

export function localStore(root: string): MediaStore {
  const file = (key: string) => path.join(root, ...checkKey(key).split('/'));

  async function walk(dir: string, prefix: string, out: string[]) {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      // In-flight writes are hidden until renamed into place.
      if (e.name.startsWith('.tmp-')) continue;
      const key = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(dir, e.name), key, out);
      else out.push(key);
    }
  }

  return {
    async put(key, body) {
      const target = file(key);
      await mkdir(path.dirname(target), { recursive: true });
      const tmp = path.join(path.dirname(target), `.tmp-${process.pid}-${crypto.randomUUID()}`);
      try {
        const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
        await pipeline(source, createWriteStream(tmp, { flags: 'wx' }));
        await rename(tmp, target);
      } catch (err) {
        await rm(tmp, { force: true });
        if (noSpace(err)) throw new StoreError('NO_SPACE', 'The media store is out of space');
        throw err;
      }
    },
    async get(key, range) {
      const target = file(key);
      const info = await stat(target).catch(() => null);
      if (!info?.isFile()) throw new StoreError('NOT_FOUND', `No media at "${key}"`);
      return createReadStream(target, range ? { start: range.start, end: range.end } : {});
    },
    async stat(key) {
      const info = await stat(file(key)).catch(() => null);
      return info?.isFile() ? { size: info.size, modifiedAt: info.mtime } : null;
    },
    async list(prefix) {
      const out: string[] = [];
      await walk(prefix ? file(prefix) : root, prefix, out);
      return out.sort();
    },
    async delete(keyOrPrefix) {
      await rm(file(keyOrPrefix), { recursive: true, force: true });
    },
    async rename(from, to) {
      const target = file(to);
      if (await stat(target).catch(() => null)) throw new StoreError('EXISTS', `Media already at "${to}"`);
      if (!(await stat(file(from)).catch(() => null))) throw new StoreError('NOT_FOUND', `No media at "${from}"`);
      await mkdir(path.dirname(target), { recursive: true });
      // One rename(2) of the directory: readers see the old state or the whole new one.
      await rename(file(from), target);
    },
  };
}

/** Reads a whole stored object (playlists, small sidecars). */
export async function readText(store: MediaStore, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Copies a stored object to a local file (ffmpeg reads local files). */
export async function download(store: MediaStore, key: string, localFile: string): Promise<void> {
  await mkdir(path.dirname(localFile), { recursive: true });
  await pipeline(await store.get(key), createWriteStream(localFile));
}

/** Uploads every file under a local directory to the prefix. */
export async function uploadDir(store: MediaStore, localDir: string, prefix: string): Promise<number> {
  const entries = await readdir(localDir, { withFileTypes: true, recursive: true });
  let count = 0;
  for (const e of entries) {
    if (!e.isFile()) continue;
    const rel = path.relative(localDir, path.join(e.parentPath, e.name)).split(path.sep).join('/');
    await store.put(`${prefix}/${rel}`, createReadStream(path.join(e.parentPath, e.name)));
    count++;
  }
  return count;
}
