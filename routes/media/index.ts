// /media/:content_id/...: the HLS playlists behind a signed manifest URL. No bearer token: the signature
// (title, episode, resolution ceiling, expiry) is the permission, so players and CDNs can fetch them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errors } from '../../schemas/common.ts';
import { MediaQuery } from '../../schemas/playback.ts';
import { ContentId } from '../../schemas/movies.ts';
import { verifyGrant } from '../../services/playback/signing.ts';
import { masterPlaylist, variantPlaylist } from '../../services/playback/renditions.ts';
import { AppError } from '../../services/errors.ts';

const Playlist = Type.String({ description: 'application/vnd.apple.mpegurl' });

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['streaming'];
  const check = (titleId: string, q: { episode_id?: string; h: number; exp: number; sig: string }) => {
    if (
      !verifyGrant(
        app.media.signingSecret,
        { titleId, episodeId: q.episode_id ?? null, maxHeight: q.h, expiresAt: q.exp },
        q.sig,
      )
    ) {
      throw new AppError('FORBIDDEN', 'The media link is invalid or has expired');
    }
  };
  const signedQuery = (q: Record<string, unknown>) =>
    new URLSearchParams(
      Object.entries(q)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();

  app.get(
    '/:content_id/master.m3u8',
    {
      schema: {
        tags,
        summary: 'HLS master playlist (signed link)',
        params: Type.Object({ content_id: ContentId }),
        querystring: MediaQuery,
        response: { 200: Playlist, ...errors(400, 403) },
      },
    },
    async (request, reply) => {
      check(request.params.content_id, request.query);
      const body = masterPlaylist(request.query.h, (height) => `${height}/index.m3u8?${signedQuery(request.query)}`);
      return reply.type('application/vnd.apple.mpegurl').header('cache-control', 'private, max-age=60').send(body);
    },
  );

  app.get(
    '/:content_id/:height/index.m3u8',
    {
      schema: {
        tags,
        summary: 'HLS media playlist of one rendition (signed link)',
        params: Type.Object({ content_id: ContentId, height: Type.Integer({ minimum: 1, maximum: 4320 }) }),
        querystring: MediaQuery,
        response: { 200: Playlist, ...errors(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const { content_id: titleId, height } = request.params;
      check(titleId, request.query);
      if (height > request.query.h) throw new AppError('FORBIDDEN', 'This rendition is above the plan’s resolution');
      const episodeId = request.query.episode_id ?? null;
      const rows = await request.em.execute<{ runtime: number | null }[]>(
        episodeId
          ? 'select runtime from episodes where id = ? and title_id = ?'
          : 'select runtime from titles where id = ?',
        episodeId ? [episodeId, titleId] : [titleId],
      );
      if (!rows[0]) throw new AppError('NOT_FOUND', 'Media not found');
      const base = `${app.media.segmentBaseUrl}/${titleId}${episodeId ? `/${episodeId}` : ''}/${height}p`;
      return reply
        .type('application/vnd.apple.mpegurl')
        .send(variantPlaylist((rows[0].runtime ?? 90) * 60, (i) => `${base}/segment-${String(i).padStart(5, '0')}.ts`));
    },
  );
};

export default routes;
