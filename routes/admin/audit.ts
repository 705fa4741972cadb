// /admin/audit: the audit log (logins, resets, token reuse, admin changes, playback starts), newest first.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditListResponse, AuditQuery } from '../../schemas/audit.ts';
import { bearer, errors } from '../../schemas/common.ts';
import { listAudit } from '../../services/audit.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.requireRole('admin'));

  app.get(
    '/audit',
    {
      schema: {
        tags: ['admin'],
        summary: 'List audit events',
        description: 'Filtered by exact action, actor and a [from, to) time range; paginated, newest first.',
        security: bearer,
        querystring: AuditQuery,
        response: { 200: AuditListResponse, ...errors(400, 401, 403, 429) },
      },
    },
    async (request) => ({ success: true as const, data: await listAudit(request.deps, request.query) }),
  );
};

export default routes;
