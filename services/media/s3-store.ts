// The media store on an S3-compatible bucket (AWS S3, MinIO, R2, Ceph...): the same contract as the local
// store. An object becomes visible whole (PutObject, or a multipart upload that only appears when completed),
// reads stream the body straight from the bucket with the asked byte range, and a prefix is published by
// server-side copies. S3 has no atomic rename: a published prefix is always a fresh one (the asset id is the
// version), copied with its top-level objects last, and readers only learn of it from the database row that
// names the ready asset, written after `rename` returns (see README, "Media storage on S3").
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { checkKey, type MediaStore, StoreError } from './store.ts';

export interface S3StoreOptions {
  bucket: string;
  region: string;
  /** Unset for AWS itself; the URL of MinIO, R2, Ceph... otherwise. */
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key` (MinIO and most local servers). */
  forcePathStyle: boolean;
}

/** Parts of a multipart upload; S3 wants at least 5 MiB for every part but the last. */
const PART_BYTES = 16 * 1024 * 1024;
/** Objects copied or deleted at once by `rename`. */
const PARALLEL = 8;

const missing = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
};

/** Reads a body into parts of PART_BYTES (the last one shorter). */
async function* parts(body: Readable): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    held.push(buf);
    size += buf.length;
    while (size >= PART_BYTES) {
      const all = Buffer.concat(held);
      yield all.subarray(0, PART_BYTES);
      held = [all.subarray(PART_BYTES)];
      size = held[0]!.length;
    }
  }
  if (size > 0 || held.length === 0) yield Buffer.concat(held);
}

async function inParallel<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, lane));
}

export function s3Store(options: S3StoreOptions): MediaStore {
  const Bucket = options.bucket;
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials:
      options.accessKeyId && options.secretAccessKey
        ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
        : undefined,
    // Checksums only where S3 requires them: several S3-compatible servers refuse the newer trailing ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

  async function put(key: string, body: Readable | Buffer | string) {
    checkKey(key);
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: Buffer.from(body) }));
      return;
    }
    const iterator = parts(body);
    const first = await iterator.next();
    const second = await iterator.next();
    if (second.done) {
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: first.value ?? Buffer.alloc(0) }));
      return;
    }
    // Large objects: a multipart upload, invisible until completed and aborted on any failure.
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key: key }));
    try {
      const done: { ETag: string | undefined; PartNumber: number }[] = [];
      let part: IteratorResult<Buffer> = first;
      let next: IteratorResult<Buffer> = second;
      for (let n = 1; !part.done; n++) {
        const sent = await client.send(
          new UploadPartCommand({ Bucket, Key: key, UploadId, PartNumber: n, Body: part.value }),
        );
        done.push({ ETag: sent.ETag, PartNumber: n });
        part = next;
        next = part.done ? part : await iterator.next();
      }
      await client.send(
        new CompleteMultipartUploadCommand({ Bucket, Key: key, UploadId, MultipartUpload: { Parts: done } }),
      );
    } catch (err) {
      await client.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId })).catch(() => {});
      throw err;
    }
  }

  async function list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket, Prefix: prefix ? `${checkKey(prefix)}/` : undefined, ContinuationToken }),
      );
      for (const o of page.Contents ?? []) if (o.Key) out.push(o.Key);
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return out.sort();
  }

  async function deleteKeys(keys: string[]) {
    for (let i = 0; i < keys.length; i += 1000) {
      const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }));
    }
  }

  async function stat(key: string) {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket, Key: checkKey(key) }));
      return { size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
    } catch (err) {
      if (missing(err)) return null;
      throw err;
    }
  }

  return {
    put,
    async get(key, range) {
      try {
        const res = await client.send(
          new GetObjectCommand({
            Bucket,
            Key: checkKey(key),
            Range: range ? `bytes=${range.start}-${range.end}` : undefined,
          }),
        );
        // In Node the body is the HTTP response itself: piped on to the client, never buffered.
        return res.Body as Readable;
      } catch (err) {
        if (missing(err)) throw new StoreError('NOT_FOUND', `No media at "${key}"`);
        throw err;
      }
    },
    stat,
    list,
    async delete(keyOrPrefix) {
      checkKey(keyOrPrefix);
      await deleteKeys([keyOrPrefix, ...(await list(keyOrPrefix))]);
    },
    async rename(from, to) {
      if ((await stat(to)) || (await list(to)).length > 0) throw new StoreError('EXISTS', `Media already at "${to}"`);
      const keys = await list(from);
      if (keys.length === 0) throw new StoreError('NOT_FOUND', `No media at "${from}"`);
      const child = from.split('/').length + 1;
      const top = keys.filter((k) => k.split('/').length === child);
      const deep = keys.filter((k) => k.split('/').length > child);
      const copy = (key: string) =>
        client.send(
          new CopyObjectCommand({ Bucket, CopySource: `${Bucket}/${key}`, Key: `${to}${key.slice(from.length)}` }),
        );
      // Renditions first, the prefix's own files (the master playlist) last: a reader that enters by the
      // master playlist never finds a rendition missing. CopyObject takes objects up to 5 GB: a ladder's files
      // (segments, playlists, images) are far smaller.
      await inParallel(deep, copy);
      await inParallel(top, copy);
      await deleteKeys(keys);
    },
  };
}
