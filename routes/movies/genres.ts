// GET /movies/genres: TMDb's genre ids and names (seeded locally), cached.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { envelope, errors } from '../../schemas/common.ts';
import { listGenres } from '../../services/catalog/genres.ts';

const GenresResponse = envelope(
  Type.Object({
    genres: Type.Array(
      Type.Object({ id: Type.String({ examples: ['28'] }), name: Type.String({ examples: ['Action'] }) }),
    ),
  }),
);

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/genres',
    { schema: { tags: ['movies'], summary: 'All genres', response: { 200: GenresResponse, ...errors(429) } } },
    async (request) => {
      return { success: true as const, data: { genres: await listGenres(request.deps) } };
    },
  );
};

export default routes;
