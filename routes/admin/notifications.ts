// /admin/notifications: admin broadcasts (system_update). The request only stores the broadcast and
// enqueues its job; the worker fans it out in batches. Its progress is readable by id.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bearer, errors } from '../../schemas/common.ts';
import { BroadcastBody, BroadcastParams, BroadcastResponse } from '../../schemas/notifications.ts';
import { broadcast, getBroadcast } from '../../services/notifications/broadcast.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.requireRole('admin'));
  const tags = ['admin'];

  app.post(
    '/notifications',
    {
      schema: {
        tags,
        summary: 'Broadcast a notification',
        description:
          'Queues a `system_update` notification for every account of the audience and returns 202 at once; ' +
          'poll GET /admin/notifications/{id} for the status and the recipients so far.',
        security: bearer,
        body: BroadcastBody,
        response: { 202: BroadcastResponse, ...errors(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const result = await broadcast(request.deps, { userId: request.auth!.userId, ip: request.ip }, request.body);
      return reply.code(202).send({ success: true, message: 'Broadcast queued', data: { broadcast: result } });
    },
  );

  app.get(
    '/notifications/:id',
    {
      schema: {
        tags,
        summary: 'Get a broadcast and its progress',
        security: bearer,
        params: BroadcastParams,
        response: { 200: BroadcastResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      data: { broadcast: await getBroadcast(request.deps, request.params.id) },
    }),
  );
};

export default routes;
