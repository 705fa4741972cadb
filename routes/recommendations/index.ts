// /recommendations (seed 001): a profile's personalised rows, platform trending and titles similar to one.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bearer, errors } from '../../schemas/common.ts';
import { ContentListResponse, ListQuery } from '../../schemas/content.ts';
import {
  ProfileParams,
  RecommendationRowsResponse,
  SimilarParams,
  SimilarQuery,
  SimilarResponse,
} from '../../schemas/recommendations.ts';
import { trending } from '../../services/catalog/lists.ts';
import { pathViewer } from '../../services/profiles/viewer.ts';
import { recommendationRows, similarTitles } from '../../services/recommendations/views.ts';
import { sendServed } from '../movies/catalog.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  const tags = ['recommendations'];
  const security = bearer;

  app.get(
    '/trending',
    {
      schema: {
        tags,
        summary: 'Trending on this platform',
        security,
        querystring: ListQuery,
        response: { 200: ContentListResponse, ...errors(400, 401, 403, 404, 429) },
        description:
          'Plays of the last 30 days, each weighted down over days; titles nobody played follow by popularity. ' +
          'Only titles the current profile (X-Profile-Id) may see.',
      },
    },
    async (request, reply) => sendServed(reply, await trending(request.deps, await request.viewer(), request.query)),
  );

  app.get(
    '/similar/:content_id',
    {
      schema: {
        tags,
        summary: 'Titles similar to one title',
        security,
        params: SimilarParams,
        querystring: SimilarQuery,
        response: { 200: SimilarResponse, ...errors(400, 401, 403, 404, 429) },
        description:
          'What viewers here watch together with it; same-genre popular titles while nobody has. 404 for an ' +
          'unknown title, 403 CONTENT_RESTRICTED above the profile’s maturity rating.',
      },
    },
    async (request) => {
      const viewer = (await request.viewer())!;
      return {
        success: true as const,
        data: await similarTitles(request.deps, viewer, request.params.content_id, request.query.limit),
      };
    },
  );

  app.get(
    '/:profile_id',
    {
      schema: {
        tags,
        summary: 'Personalised rows for a viewer profile',
        security,
        params: ProfileParams,
        response: { 200: RecommendationRowsResponse, ...errors(400, 401, 403, 404, 429) },
        description:
          '"Because you watched X", "Top picks in <genre>" and "Popular on Cinemate", each item with a ' +
          'confidence score. Cached per profile until its signals change. 404 for a profile of another account.',
      },
    },
    async (request) => {
      const viewer = await pathViewer(request.em, request.auth!, request.params.profile_id);
      return { success: true as const, data: await recommendationRows(request.deps, viewer) };
    },
  );
};

export default routes;
