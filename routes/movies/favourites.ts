// /movies/favourites (seed 003): the viewer profile's favourites (X-Profile-Id, default the first profile).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bearer, errors, pagination } from '../../schemas/common.ts';
import { CollectionChange, FavouriteBody, FavouriteQuery, MovieList, PageOnly } from '../../schemas/library.ts';
import { addToCollection, listCollection, removeFromCollection } from '../../services/library/collections.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['movies'];
  const onRequest = app.authenticate;

  app.post(
    '/favourites',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Add a title to favourites',
        description:
          'Idempotent: 201 when added, 200 when it was already a favourite (one row either way, also under concurrent requests). ' +
          '404 unknown title; 403 CONTENT_RESTRICTED above the profile’s maturity. Acts for X-Profile-Id (default: the first profile).',
        security: bearer,
        body: FavouriteBody,
        response: { 200: CollectionChange, 201: CollectionChange, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const result = await addToCollection(request.em, (await request.viewer())!, 'favourites', request.body.movie_id);
      return reply.code(result.created ? 201 : 200).send({
        success: true,
        message: result.created ? 'Added to favourites' : 'Already in favourites',
        data: { movie_id: result.title_id, changed: result.created },
      });
    },
  );

  app.get(
    '/favourites',
    {
      onRequest,
      schema: {
        tags,
        summary: 'The profile’s favourites',
        description: 'MOVIE_LIST, newest first.',
        security: bearer,
        querystring: PageOnly,
        response: { 200: MovieList, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { items, total } = await listCollection(request.em, (await request.viewer())!, 'favourites', {
        page,
        limit,
      });
      return { success: true as const, data: { movies: items, pagination: pagination(page, limit, total) } };
    },
  );

  app.delete(
    '/favourites',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Remove a title from favourites',
        description: 'Idempotent: 200 whether or not it was a favourite (`changed` tells).',
        security: bearer,
        querystring: FavouriteQuery,
        response: { 200: CollectionChange, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const result = await removeFromCollection(
        request.em,
        (await request.viewer())!,
        'favourites',
        request.query.movie_id,
      );
      return {
        success: true as const,
        message: 'Removed from favourites',
        data: { movie_id: result.title_id, changed: result.removed },
      };
    },
  );
};

export default routes;
