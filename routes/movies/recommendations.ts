// GET /movies/recommendations (seed 003): the current profile's recommendations as a MOVIE_LIST.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bearer, errors } from '../../schemas/common.ts';
import { MovieListResponse, PageQuery } from '../../schemas/movies.ts';
import { recommendedMovies } from '../../services/recommendations/views.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/recommendations',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['movies'],
        summary: 'Personalised recommendations',
        security: bearer,
        querystring: PageQuery,
        response: { 200: MovieListResponse, ...errors(400, 401, 403, 404, 429) },
        description:
          'For the profile in X-Profile-Id (default: the account’s first): genre-weighted, blended with what ' +
          'viewers here watch together, diversified. Never a title already in the profile’s history, ' +
          'favourites, watchlist or ratings, nor one it may not see.',
      },
    },
    async (request) => ({
      success: true as const,
      data: await recommendedMovies(request.deps, (await request.viewer())!, request.query),
    }),
  );
};

export default routes;
