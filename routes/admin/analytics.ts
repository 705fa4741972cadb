// /admin/analytics/qoe: playback quality per title and overall over a time range (admin only).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bearer, errors } from '../../schemas/common.ts';
import { QoeQuery, QoeReportResponse } from '../../schemas/qoe.ts';
import { qoeReportFor } from '../../services/qoe/index.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.requireRole('admin'));

  app.get(
    '/analytics/qoe',
    {
      schema: {
        tags: ['admin'],
        summary: 'Playback quality report',
        description:
          'Over the playback sessions started in [from, to) (default: the last 7 days), optionally one title: startup p50/p95, ' +
          'rebuffering ratio (stalled ÷ watch time), exits before video start, error rate, average bitrate and a 0–100 score, per ' +
          'title (most sessions first, at most 200) and overall.',
        security: bearer,
        querystring: QoeQuery,
        response: { 200: QoeReportResponse, ...errors(400, 401, 403, 429) },
      },
    },
    async (request) => ({ success: true as const, data: await qoeReportFor(request.deps, request.query) }),
  );
};

export default routes;
