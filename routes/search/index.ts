// GET /search (seed 001): titles by title, cast, director or genre, each with a match_score.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bearer, errors } from '../../schemas/common.ts';
import { SearchQuery, SearchResponse } from '../../schemas/content.ts';
import { searchContent } from '../../services/catalog/search.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      onRequest: app.optionalAuth,
      config: { rateLimit: app.rateLimits.search },
      schema: {
        tags: ['content'],
        summary: 'Search the catalog',
        description: 'Full-text and typo-tolerant; `match_score` is 0..1, an exact title scores 1.',
        security: [{}, ...bearer],
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...errors(400, 401, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await searchContent(
        request.deps,
        await request.viewer(),
        request.query.q,
        request.query.type,
        request.query.limit,
      ),
    }),
  );
};

export default routes;
