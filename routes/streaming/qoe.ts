// /streaming/sessions/:session_id/qoe: the player's playback-quality beacon (start, every 30 s, stop) for one
// of the caller's playback sessions. Registered by routes/streaming/index.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bearer, errors } from '../../schemas/common.ts';
import { BeaconBody, BeaconParams, BeaconResponse } from '../../schemas/qoe.ts';
import { recordBeacon } from '../../services/qoe/index.ts';

const qoe: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/sessions/:session_id/qoe',
    {
      onRequest: app.authenticate,
      bodyLimit: 8 * 1024,
      schema: {
        tags: ['streaming'],
        summary: 'Report playback quality',
        description:
          'A beacon of the session’s totals so far (startup time, stalls, bitrate switches, renditions, dropped frames, fatal errors): ' +
          'send one at start, every 30 s and at stop. Totals, not deltas: a lost, repeated or late beacon changes nothing. ' +
          '404 when the session is not one of the caller’s.',
        security: bearer,
        params: BeaconParams,
        body: BeaconBody,
        response: { 202: BeaconResponse, ...errors(400, 401, 404, 413, 429) },
      },
    },
    async (request, reply) => {
      const data = await recordBeacon(request.deps, request.auth!.userId, request.params.session_id, request.body);
      return reply.code(202).send({ success: true, message: 'Beacon recorded', data });
    },
  );
};

export default qoe;
