// /movies/ratings (seed 004): the viewer profile's up/down ratings, one per title (X-Profile-Id, default the
// first profile). A rating id of another profile or account is 404 for every verb. A vote shows at once in
// the title's up/down counts (services/catalog/votes.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MessageResponse, bearer, errors, pagination } from '../../schemas/common.ts';
import {
  PageOnly,
  RatingCreateBody,
  RatingParams,
  RatingPatchBody,
  RatingPutBody,
  RatingResponse,
  RatingsResponse,
} from '../../schemas/library.ts';
import { changeRating, deleteRating, getRating, listRatings, rate } from '../../services/library/ratings.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['ratings'];
  const onRequest = app.authenticate;
  const security = bearer;

  app.post(
    '/ratings',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Rate a title up or down',
        description:
          'The vote is `up`/`down` or `UPVOTE`/`DOWNVOTE`. One rating per profile per title: 201 when created; ' +
          '200 when the profile had already rated it (the rating is set to the new value). 404 unknown title; ' +
          '403 CONTENT_RESTRICTED above the profile’s maturity.',
        security,
        body: RatingCreateBody,
        response: { 200: RatingResponse, 201: RatingResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const result = await rate(request.deps, (await request.viewer())!, request.body.movie_id, request.body.rating);
      return reply.code(result.created ? 201 : 200).send({
        success: true,
        message: result.created ? 'Rating created' : 'Rating updated',
        data: { rating: result.rating },
      });
    },
  );

  app.get(
    '/ratings',
    {
      onRequest,
      schema: {
        tags,
        summary: 'The profile’s ratings',
        description: 'Most recently changed first.',
        security,
        querystring: PageOnly,
        response: { 200: RatingsResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { items, total } = await listRatings(request.em, (await request.viewer())!, { page, limit });
      return { success: true as const, data: { ratings: items, pagination: pagination(page, limit, total) } };
    },
  );

  app.get(
    '/ratings/:id',
    {
      onRequest,
      schema: {
        tags,
        summary: 'One rating',
        security,
        params: RatingParams,
        response: { 200: RatingResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      data: { rating: await getRating(request.em, (await request.viewer())!, request.params.id) },
    }),
  );

  app.put(
    '/ratings/:id',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Replace a rating',
        description:
          'Takes the vote alone; `movie_id` is optional and, when sent, must be the rated title (a rating never moves to another title).',
        security,
        params: RatingParams,
        body: RatingPutBody,
        response: { 200: RatingResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      message: 'Rating updated',
      data: {
        rating: await changeRating(
          request.deps,
          (await request.viewer())!,
          request.params.id,
          request.body.rating,
          request.body.movie_id,
        ),
      },
    }),
  );

  app.patch(
    '/ratings/:id',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Change a rating’s vote',
        security,
        params: RatingParams,
        body: RatingPatchBody,
        response: { 200: RatingResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      message: 'Rating updated',
      data: {
        rating: await changeRating(request.deps, (await request.viewer())!, request.params.id, request.body.rating),
      },
    }),
  );

  app.delete(
    '/ratings/:id',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Delete a rating',
        security,
        params: RatingParams,
        response: { 200: MessageResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      await deleteRating(request.deps, (await request.viewer())!, request.params.id);
      return { success: true as const, message: 'Rating deleted' };
    },
  );
};

export default routes;
