// /streaming/:content_id/manifest, /start and /stop (seed 001): signed manifests and playback sessions
// counted against the plan's stream limit. Registered by routes/streaming/index.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bearer, errors } from '../../schemas/common.ts';
import { ContentParams } from '../../schemas/library.ts';
import {
  ManifestQuery,
  ManifestResponse,
  StartBody,
  StartResponse,
  StopBody,
  StopResponse,
} from '../../schemas/playback.ts';
import { pathViewer } from '../../services/profiles/viewer.ts';
import { getManifest, startPlayback, stopPlayback } from '../../services/playback/sessions.ts';

const playback: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['streaming'];

  app.get(
    '/:content_id/manifest',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Get the streaming manifest',
        description:
          'Signed links into the title’s ready media: the HLS master playlist (renditions up to the plan’s resolution), the AES-128 key endpoint ' +
          '(`drm_license_url`), subtitles, audio tracks, poster and storyboard. 402 SUBSCRIPTION_REQUIRED without an active subscription; ' +
          '403 CONTENT_RESTRICTED above the profile’s maturity; 409 MEDIA_NOT_READY while the title has no processed media.',
        security: bearer,
        params: ContentParams,
        querystring: ManifestQuery,
        response: { 200: ManifestResponse, ...errors(400, 401, 402, 403, 404, 409, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await getManifest(
        request.deps,
        app.media,
        (await request.viewer())!,
        request.params.content_id,
        request.query.episode_id,
      ),
    }),
  );

  app.post(
    '/:content_id/start',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Start a playback session',
        description:
          'Takes a stream slot: 409 STREAM_LIMIT_REACHED when the plan’s concurrent streams are all in use (a session silent for 2 minutes stops counting). ' +
          'The quality is lowered to the plan’s maximum and is the ceiling of the returned `manifest_url` (null while the title has no ready media). ' +
          'For a series without episode_id, playback starts at S1E1. Send progress with the session_id as heartbeat.',
        security: bearer,
        params: ContentParams,
        body: StartBody,
        response: { 201: StartResponse, ...errors(400, 401, 402, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const viewer = request.body.profile_id
        ? await pathViewer(request.em, request.auth!, request.body.profile_id)
        : (await request.viewer())!;
      const data = await startPlayback(
        request.deps,
        app.media,
        viewer,
        request.params.content_id,
        request.body,
        request.ip,
      );
      return reply.code(201).send({ success: true, message: 'Playback started', data });
    },
  );

  app.post(
    '/:content_id/stop',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'End a playback session',
        description: 'Frees the stream slot.',
        security: bearer,
        params: ContentParams,
        body: StopBody,
        response: { 200: StopResponse, ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      message: 'Playback stopped',
      data: await stopPlayback(request.deps, request.auth!.userId, request.params.content_id, request.body.session_id),
    }),
  );
};

export default playback;
