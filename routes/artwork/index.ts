// /artwork: the generated poster and backdrop of a title (the demo catalog's pictures), as SVG.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errors, mediaTypes } from '../../schemas/common.ts';
import { ContentId } from '../../schemas/movies.ts';
import { titleArtwork } from '../../services/catalog/artwork.ts';

const Svg = mediaTypes(Type.String({ description: 'An SVG image' }), 'image/svg+xml');

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:id/:file',
    {
      // Pictures load twenty to a browse page: they are cached by clients and never count against a budget.
      config: { rateLimit: false },
      schema: {
        tags: ['content'],
        summary: 'Generated poster or backdrop of a title',
        description:
          'The `poster_url` / `backdrop_url` / `thumbnail_url` of demo titles point here: a gradient and the title, ' +
          'the same for a title every time. Cached a day by clients (ETag, If-None-Match → 304).',
        params: Type.Object({
          id: ContentId,
          file: Type.Union([Type.Literal('poster.svg'), Type.Literal('backdrop.svg')]),
        }),
        response: { 200: Svg, 304: Type.Null(), ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const kind = request.params.file === 'poster.svg' ? 'poster' : 'backdrop';
      const { svg, etag } = await titleArtwork(request.deps, request.params.id, kind);
      reply
        .header('cache-control', 'public, max-age=86400')
        .header('etag', etag)
        // An image, never a document: nothing in it may run even if opened directly.
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
      if (request.headers['if-none-match'] === etag) return reply.code(304).send(null);
      return reply.type('image/svg+xml; charset=utf-8').send(svg);
    },
  );
};

export default routes;
