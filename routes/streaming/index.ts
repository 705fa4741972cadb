// /streaming/:content_id/progress (seed 001): playback heartbeats that keep the resume position, the
// watched state and the history of the acting profile (body profile_id, else X-Profile-Id, else the first).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bearer, errors } from '../../schemas/common.ts';
import { ContentParams, ProgressBody, ProgressResponse } from '../../schemas/library.ts';
import { pathViewer } from '../../services/profiles/viewer.ts';
import { recordProgress } from '../../services/library/progress.ts';
import { touchPlayback } from '../../services/playback/sessions.ts';
import playback from './playback.ts';
import qoe from './qoe.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.put(
    '/:content_id/progress',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['streaming'],
        summary: 'Report the playback position',
        description:
          'Seconds. `episode_id` is required for a series. Under 5 % is not a resume point; over 90 % marks the movie or episode watched; items shorter than ' +
          '5 minutes are never resumable; position > duration is 400. A heartbeat whose `client_time` is older than the stored one changes nothing ' +
          '(`applied: false`), so a late packet never moves playback backwards; without `client_time` the arrival time counts. Also updates the history. ' +
          '404 unknown title or episode; 403 CONTENT_RESTRICTED above the profile’s maturity.',
        security: bearer,
        params: ContentParams,
        body: ProgressBody,
        response: { 200: ProgressResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const viewer = request.body.profile_id
        ? await pathViewer(request.em, request.auth!, request.body.profile_id)
        : (await request.viewer())!;
      const data = await recordProgress(request.em, viewer, request.params.content_id, request.body);
      if (request.body.session_id) await touchPlayback(request.deps, request.auth!.userId, request.body.session_id);
      return { success: true as const, data };
    },
  );

  await app.register(playback);
  await app.register(qoe);
};

export default routes;
