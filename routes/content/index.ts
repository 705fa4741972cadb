// /content (seed 001): browse with filters, trending, new releases and one title, as title cards.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bearer, errors } from '../../schemas/common.ts';
import { IdParams } from '../../schemas/movies.ts';
import {
  BrowseQuery,
  ContentDetailsResponse,
  ContentListResponse,
  ListQuery,
  NewReleasesQuery,
} from '../../schemas/content.ts';
import { browse, newReleases, trending } from '../../services/catalog/lists.ts';
import { getDetails } from '../../services/catalog/source.ts';
import { sendServed } from '../movies/catalog.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['content'];
  const onRequest = app.optionalAuth;
  const security = [{}, ...bearer];

  app.get(
    '/browse',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Browse the catalog',
        description:
          'Filter by genre (ids or names such as `action`, `sci-fi`, comma-separated), type (`movie`, `series`, `documentary`), certification, ' +
          'original language and release years; sort by popularity, release date or rating. Cards carry the browse fields ' +
          '(`thumbnail_url`, `description`, `genre`, `cast`, `director`, `seasons`, `episodes`, `duration` in seconds).',
        security,
        querystring: BrowseQuery,
        response: { 200: ContentListResponse, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => sendServed(reply, await browse(request.deps, await request.viewer(), request.query)),
  );

  app.get(
    '/trending',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Trending on this platform',
        description:
          'What viewers here watched lately, each play weighted down over days; titles nobody played follow by popularity.',
        security,
        querystring: ListQuery,
        response: { 200: ContentListResponse, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => sendServed(reply, await trending(request.deps, await request.viewer(), request.query)),
  );

  app.get(
    '/new-releases',
    {
      onRequest,
      schema: {
        tags,
        summary: 'New releases',
        description:
          'Recently added to this platform: titles that entered the catalog or got their first playable video within the last `days` days, ' +
          'newest first, release date breaking ties. Titles not released yet are on coming soon instead.',
        security,
        querystring: NewReleasesQuery,
        response: { 200: ContentListResponse, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => sendServed(reply, await newReleases(request.deps, await request.viewer(), request.query)),
  );

  app.get(
    '/:id',
    {
      onRequest,
      schema: {
        tags,
        summary: 'One title',
        description: 'The MOVIE_DETAILS object under `content`.',
        security,
        params: IdParams,
        response: { 200: ContentDetailsResponse, ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request, reply) =>
      sendServed(reply, await getDetails(request.deps, app.tmdb, await request.viewer(), request.params.id, 'content')),
  );
};

export default routes;
