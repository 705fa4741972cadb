// /media/:content_id/...: the HLS ladder behind a signed manifest link. No bearer token: the grant in the
// query (title, episode, resolution ceiling, expiry, signature) is the permission, so players and CDNs can
// fetch playlists, segments and the key directly; any instance verifies it without shared state.
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errors, mediaTypes } from '../../schemas/common.ts';
import { GrantQuery } from '../../schemas/media.ts';
import { ContentId } from '../../schemas/movies.ts';
import { AppError } from '../../services/errors.ts';
import { keyFor, masterFor, mediaPlaylist, openFile, UnsatisfiableRange } from '../../services/media/delivery.ts';
import { grantQuery, readGrant, type GrantParams } from '../../services/media/signing.ts';

const PLAYLIST = 'application/vnd.apple.mpegurl';
const Playlist = mediaTypes(Type.String({ description: 'An HLS playlist' }), PLAYLIST);
// Sent as bytes (a Buffer or a stream), never serialized.
const Bytes = Type.Unsafe<Buffer | Readable>({ type: 'string', format: 'binary' });
// The types services/media/delivery.ts serves files with.
const FileBytes = mediaTypes(Bytes, 'video/mp2t', 'text/vtt', 'image/jpeg');
const Key = mediaTypes(Bytes, 'application/octet-stream');
const AssetParams = { content_id: ContentId, asset: Type.String({ format: 'uuid' }) };
const Rendition = Type.String({ pattern: '^(v\\d{2,4}|a\\d{1,2}|s\\d{1,2})$', description: 'v<height>, a<n> or s<n>' });
const File = Type.String({ maxLength: 40, pattern: '^[a-z0-9_]+\\.(ts|vtt|jpg)$' });

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['streaming'];
  const media = app.media;
  const grantOf = (titleId: string, q: GrantParams) => {
    const grant = readGrant(media.signingSecret, titleId, q, app.clock.now().getTime());
    if (!grant) throw new AppError('FORBIDDEN', 'The media link is invalid or has expired');
    // Re-signed in canonical form, so a query with extra or reordered parameters never propagates.
    return { grant, query: grantQuery(media.signingSecret, grant) };
  };
  // Playlists change when a new upload replaces the ladder: short caching. Segments never change (a new
  // upload gets a new asset id) and are useless without the key: cached for a year.
  const shortCache = 'private, max-age=30';
  const longCache = 'public, max-age=31536000, immutable';

  app.get(
    '/:content_id/master.m3u8',
    {
      schema: {
        tags,
        summary: 'HLS master playlist (signed link)',
        description: 'Only the renditions at or below the grant’s ceiling. 409 MEDIA_NOT_READY without a ready ladder.',
        params: Type.Object({ content_id: ContentId }),
        querystring: GrantQuery,
        response: { 200: Playlist, ...errors(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { grant, query } = grantOf(request.params.content_id, request.query);
      const body = await masterFor(request.em, media, grant, query);
      return reply.type(PLAYLIST).header('cache-control', shortCache).send(body);
    },
  );

  app.get(
    '/:content_id/a/:asset/key',
    {
      schema: {
        tags,
        summary: 'AES-128 key of a ladder (the manifest’s drm_license_url)',
        description: 'HLS clear-key encryption: the 16-byte key, only to a valid grant for this title.',
        params: Type.Object(AssetParams),
        querystring: GrantQuery,
        response: { 200: Key, ...errors(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const { grant } = grantOf(request.params.content_id, request.query);
      const key = await keyFor(request.em, grant, request.params.asset);
      return reply.type('application/octet-stream').header('cache-control', 'private, no-store').send(key);
    },
  );

  app.get(
    '/:content_id/a/:asset/:rendition/index.m3u8',
    {
      schema: {
        tags,
        summary: 'HLS media playlist of one rendition (signed link)',
        description: '403 for a video rendition above the grant’s ceiling.',
        params: Type.Object({ ...AssetParams, rendition: Rendition }),
        querystring: GrantQuery,
        response: { 200: Playlist, ...errors(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const { grant, query } = grantOf(request.params.content_id, request.query);
      const body = await mediaPlaylist(media, grant, request.params.asset, request.params.rendition, query);
      return reply.type(PLAYLIST).header('cache-control', shortCache).send(body);
    },
  );

  const sendFile = async (
    request: { params: { content_id: string; asset: string }; query: GrantParams; headers: { range?: string } },
    reply: import('fastify').FastifyReply,
    rendition: string | null,
    file: string,
  ) => {
    const { grant } = grantOf(request.params.content_id, request.query);
    try {
      const opened = await openFile(media, grant, request.params.asset, rendition, file, request.headers.range);
      reply.type(opened.type).header('cache-control', longCache).header('accept-ranges', 'bytes');
      if (opened.range) {
        const { start, end } = opened.range;
        reply.code(206).header('content-range', `bytes ${start}-${end}/${opened.size}`);
        reply.header('content-length', end - start + 1);
      } else reply.header('content-length', opened.size);
      return reply.send(opened.body);
    } catch (err) {
      if (!(err instanceof UnsatisfiableRange)) throw err;
      return reply.code(416).header('content-range', `bytes */${err.size}`).send();
    }
  };

  // Segments are fetched many times a minute per viewer: the grant is the control, not the request rate.
  app.get(
    '/:content_id/a/:asset/:rendition/:file',
    {
      config: { rateLimit: false },
      schema: {
        tags,
        summary: 'A segment or subtitle file of a rendition (signed link)',
        description: 'MPEG-TS segments (AES-128 encrypted) and WebVTT files; `Range` supported.',
        params: Type.Object({ ...AssetParams, rendition: Rendition, file: File }),
        querystring: GrantQuery,
        response: { 200: FileBytes, 206: FileBytes, ...errors(400, 403, 404, 416) },
      },
    },
    (request, reply) => sendFile(request, reply, request.params.rendition, request.params.file),
  );

  app.get(
    '/:content_id/a/:asset/:file',
    {
      schema: {
        tags,
        summary: 'Poster, thumbnail sprite or storyboard of a ladder (signed link)',
        params: Type.Object({ ...AssetParams, file: File }),
        querystring: GrantQuery,
        response: { 200: FileBytes, 206: FileBytes, ...errors(400, 403, 404, 416) },
      },
    },
    (request, reply) => sendFile(request, reply, null, request.params.file),
  );
};

export default routes;
