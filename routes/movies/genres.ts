// GET /movies/genres: TMDb's genre ids and names (seeded locally), cached.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { envelope, errors } from '../../schemas/common.ts';

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
      const genres = await app.cache.wrap('genres:all', 3600, () =>
        request.em.execute<{ id: string; name: string }[]>('select id, name from genres order by name'),
      );
      return { success: true as const, data: { genres } };
    },
  );
};

export default routes;
