// /admin/uploads: resumable uploads (the tus 1.0 protocol through @tus/server) of a title's or an episode's
// video, subtitles and extra audio languages. Admin only. `Upload-Metadata` names the target (content_id,
// episode_id, kind, language); a finished video is queued for processing, and its asset id comes back in the
// `Media-Id` header. A client that loses its connection asks HEAD for the offset and continues from there.
import type { IncomingMessage } from 'node:http';
import { MemoryLocker, Server, type ServerOptions } from '@tus/server';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { errors } from '../../../schemas/common.ts';
import { UploadMetadata } from '../../../schemas/media.ts';
import { AppError } from '../../../services/errors.ts';
import { MediaInputError } from '../../../services/media/probe.ts';
import { acceptTrack, acceptVideo, beginVideo, checkTarget, type UploadMeta } from '../../../services/media/intake.ts';
import { redisLocker } from '../../../services/media/tus-locker.ts';
import { uploadStore } from '../../../services/media/uploads.ts';

type TusRequest = Parameters<NonNullable<ServerOptions['onUploadCreate']>>[0];

/** tus hooks answer by throwing `{ status_code, body }`; the body is the API's error envelope. */
function tusError(err: unknown): { status_code: number; body: string } {
  const app = err instanceof AppError ? err : null;
  const input = err instanceof MediaInputError ? err : null;
  const status = app?.status ?? (input ? 422 : 500);
  const code = app?.code ?? (input ? 'UNPROCESSABLE' : 'INTERNAL_ERROR');
  const message = app?.message ?? input?.message ?? 'The upload could not be stored';
  return {
    status_code: status,
    body: JSON.stringify({
      success: false,
      error: { code, message, details: app?.details ?? {} },
      timestamp: new Date().toISOString(),
    }),
  };
}

function metadataOf(raw: Record<string, string | null> | undefined): UploadMeta {
  const meta = Object.fromEntries(Object.entries(raw ?? {}).filter(([, v]) => v !== null && v !== ''));
  if (!Value.Check(UploadMetadata, meta)) {
    const fields = [...Value.Errors(UploadMetadata, meta)].map((e) => ({
      field: e.path.slice(1) || 'metadata',
      in: 'Upload-Metadata',
      message: e.message,
    }));
    throw new AppError('INVALID_REQUEST', 'Upload-Metadata is invalid', { fields });
  }
  return meta;
}

const routes: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', app.requireRole('admin'));
  const media = app.media;
  const uploaders = new WeakMap<IncomingMessage, string>();
  // Uploads a request finished (stored or refused): removed once tus has answered, since tus still reads
  // the upload after onUploadFinish (a complete POST looks it up for Upload-Expires).
  const finished = new WeakMap<IncomingMessage, string>();
  const nodeRequest = (req: TusRequest) =>
    (req as unknown as { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
  const deps = () => ({ em: app.em(), media });
  // Built on first use: FileStore checks its folder asynchronously, which must not race an app that closes
  // (and removes a temporary media folder) right after start-up.
  let tus: Server | null = null;
  const server = () => {
    tus ??= createServer();
    return tus;
  };
  const createServer = () => {
    const datastore = uploadStore(media);
    return new Server({
      path: '/api/v1/admin/uploads',
      datastore,
      // With Redis (several instances), one lock per upload across all of them: a resumed upload may land on
      // any instance.
      locker: app.config.REDIS_URL
        ? redisLocker(app.redis, { prefix: app.config.REDIS_KEY_PREFIX })
        : new MemoryLocker(),
      maxSize: media.maxUploadBytes,
      relativeLocation: true,
      exposedHeaders: ['Media-Id'],
      namingFunction: () => crypto.randomUUID(),
      async onUploadCreate(req, upload) {
        try {
          const meta = metadataOf(upload.metadata);
          const em = app.em();
          await checkTarget(em, meta);
          if ((meta.kind ?? 'video') === 'video') {
            const admin = nodeRequest(req);
            await beginVideo({ em, media }, upload.id, meta, (admin && uploaders.get(admin)) || null);
          }
          return { metadata: upload.metadata };
        } catch (err) {
          throw tusError(err);
        }
      },
      async onUploadFinish(req, upload) {
        const file = `${media.uploadsDir}/${upload.id}`;
        try {
          const meta = metadataOf(upload.metadata);
          if ((meta.kind ?? 'video') === 'video') {
            await acceptVideo(deps(), upload.id, file, upload.size ?? upload.offset);
            return { headers: { 'Media-Id': upload.id } };
          }
          const { media_id } = await acceptTrack(deps(), meta, file);
          const headers: Record<string, string> = media_id ? { 'Media-Id': media_id } : {};
          return { headers };
        } catch (err) {
          throw tusError(err);
        } finally {
          // The bytes now live in the media store (or were refused): the upload itself is done with.
          const raw = nodeRequest(req);
          if (raw) finished.set(raw, upload.id);
          else await datastore.remove(upload.id).catch(() => {});
        }
      },
    });
  };

  // tus reads the request body itself.
  app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
  const handle = async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    if (request.auth) uploaders.set(request.raw, request.auth.userId);
    reply.hijack();
    try {
      await server().handle(request.raw, reply.raw);
    } finally {
      const done = finished.get(request.raw);
      if (done)
        await server()
          .datastore.remove(done)
          .catch(() => {});
    }
  };
  const schema = {
    tags: ['admin'],
    summary: 'Resumable upload (tus 1.0)',
    description:
      'tus creation, HEAD, PATCH and termination. Upload-Metadata: content_id, episode_id?, kind (video | subtitle | audio), language (sidecars), label?. ' +
      'At most MEDIA_MAX_UPLOAD_BYTES. A finished video answers with Media-Id and is processed in the background. ' +
      'Any instance continues an upload (one lock per upload across instances). Upload-Expires says when an ' +
      'unfinished upload is gone: after it, 410, and the upload is removed.',
    // Documentation only: tus writes its replies itself. Protocol errors (409 offset mismatch, 410 gone,
    // 412 version, 415 content type) have tus's plain-text bodies; the API's own refusals use the envelope.
    response: {
      200: Type.Null({ description: 'HEAD: Upload-Offset and Upload-Length' }),
      201: Type.Null({ description: 'POST: the upload’s Location' }),
      204: Type.Null({ description: 'PATCH: the new Upload-Offset, and Media-Id once a video is complete' }),
      ...errors(400, 401, 403, 404, 409, 410, 413, 415, 422, 429),
    },
  };
  app.route({ method: ['POST', 'OPTIONS'], url: '/', schema, handler: handle });
  app.route({ method: ['HEAD', 'PATCH', 'DELETE', 'GET'], url: '/:upload_id', schema, handler: handle });
};

export default routes;
