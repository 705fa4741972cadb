// /profile/notifications: the account's notifications (seed 003): list with unread count, mark read.
// New ones also arrive over the WebSocket at /api/v1/ws. Registered by index.ts, whose auth hook it inherits.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { bearer, errors } from '../../schemas/common.ts';
import {
  MarkReadBody,
  MarkReadResponse,
  NotificationsQuery,
  NotificationsResponse,
} from '../../schemas/notifications.ts';
import { listNotifications, markRead } from '../../services/notifications/store.ts';
import type { NotifyDeps } from '../../services/notifications/types.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['profile'];
  const deps = (request: FastifyRequest): NotifyDeps => ({ em: request.em, realtime: app.realtime, log: request.log });

  app.get(
    '/notifications',
    {
      schema: {
        tags,
        summary: 'List notifications',
        description: 'Newest first, with the unread count.',
        security: bearer,
        querystring: NotificationsQuery,
        response: { 200: NotificationsResponse, ...errors(400, 401, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await listNotifications(request.deps, request.auth!.userId, request.query),
    }),
  );

  app.post(
    '/notifications/read',
    {
      schema: {
        tags,
        summary: 'Mark notifications read',
        description:
          'One id or an array of up to 100. Only your own notifications change; unknown or foreign ids are ' +
          'ignored, and marking twice is harmless. Returns the new unread count, which is also pushed to your ' +
          'open sockets.',
        security: bearer,
        body: MarkReadBody,
        response: { 200: MarkReadResponse, ...errors(400, 401, 429) },
      },
    },
    async (request) => {
      const { updated, unread_count } = await markRead(
        deps(request),
        request.auth!.userId,
        request.body.notification_id,
      );
      return { success: true as const, message: 'Notifications marked as read', data: { updated, unread_count } };
    },
  );

  app.post(
    '/notifications/read-all',
    {
      schema: {
        tags,
        summary: 'Mark every notification read',
        security: bearer,
        response: { 200: MarkReadResponse, ...errors(401, 429) },
      },
    },
    async (request) => {
      const { updated, unread_count } = await markRead(deps(request), request.auth!.userId, undefined);
      return { success: true as const, message: 'All notifications marked as read', data: { updated, unread_count } };
    },
  );
};

export default routes;
