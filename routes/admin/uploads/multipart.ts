// Seed 001's `POST /admin/content` as multipart/form-data: `metadata` (the JSON body of the JSON form) and
// `video_file`, for small files (large ones go through tus). Registered into the admin content routes: the
// parts are read before validation, so `metadata` is validated exactly like a JSON body, and the video is
// queued for processing once the title exists.
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../../services/errors.ts';
import { ingestVideo } from '../../../services/media/intake.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The video of a multipart POST /admin/content, staged on local disk until it is ingested. */
    mediaUpload: { file: string; size: number } | null;
  }
}

const METADATA_MAX_BYTES = 256 * 1024;
const bad = (field: string, message: string) =>
  new AppError('INVALID_REQUEST', 'The request is invalid', { fields: [{ field, in: 'body', message }] });

export const multipartContent = fp(
  async (app) => {
    await app.register(multipart, {
      limits: {
        fileSize: app.config.MEDIA_MULTIPART_MAX_BYTES,
        files: 1,
        fields: 1,
        parts: 2,
        fieldSize: METADATA_MAX_BYTES,
        headerPairs: 100,
      },
    });
    app.decorateRequest('mediaUpload', null);
    app.addHook('onResponse', async (request) => {
      if (request.mediaUpload) await rm(request.mediaUpload.file, { force: true });
    });
  },
  { name: 'multipart-content' },
);

/** preValidation of POST /admin/content: turns the parts into the body and a staged video. */
export async function readMultipartContent(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!request.isMultipart()) return;
  let body: unknown;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'video_file') throw bad(part.fieldname, 'unknown file field (expected video_file)');
      const file = path.join(request.server.media.workDir, `multipart-${crypto.randomUUID()}`);
      request.mediaUpload = { file, size: 0 };
      await pipeline(part.file, createWriteStream(file));
      request.mediaUpload.size = (await stat(file)).size;
    } else if (part.fieldname === 'metadata') {
      // The parser cuts a longer field at the limit: that is an oversized body, not malformed JSON.
      if (part.valueTruncated)
        throw new AppError('PAYLOAD_TOO_LARGE', `metadata is larger than ${METADATA_MAX_BYTES / 1024} KiB`);
      try {
        body = JSON.parse(String(part.value));
      } catch {
        throw bad('metadata', 'must be JSON');
      }
    } else throw bad(part.fieldname, 'unknown field (expected metadata and video_file)');
  }
  if (body === undefined) throw bad('metadata', 'is required');
  if (request.mediaUpload && (body as { type?: string }).type === 'series')
    throw bad('video_file', 'a series has no video of its own: upload episodes to /admin/uploads with episode_id');
  request.body = body;
}

/** After the title is created: queue its video, when the request carried one. */
export async function ingestUploadedVideo(request: FastifyRequest, contentId: string): Promise<void> {
  const upload = request.mediaUpload;
  if (!upload) return;
  await ingestVideo(
    { em: request.em, media: request.server.media },
    { content_id: contentId },
    request.auth?.userId ?? null,
    upload.file,
    upload.size,
  );
}
