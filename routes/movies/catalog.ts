// /movies (seed 003): search, popular, coming soon and details, in the MOVIE_LIST / MOVIE_DETAILS shapes.
// Optional auth: anonymous callers get the cached body as is; a viewer gets the maturity ceiling and flags.
// (Favourites, recommendations, ratings and genres live in their own files of this folder.)
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { aliasOf, bearer, errors } from '../../schemas/common.ts';
import {
  IdParams,
  MovieDetailsResponse,
  MovieListResponse,
  PageQuery,
  QueryMoviesQuery,
  SearchMoviesQuery,
} from '../../schemas/movies.ts';
import type { Page, Served } from '../../services/catalog/lists.ts';
import { comingSoonMovies, getDetails, popularMovies, searchMovieList } from '../../services/catalog/source.ts';

export const sendServed = <T>(reply: FastifyReply, served: Served<T>) =>
  'json' in served
    ? reply.type('application/json; charset=utf-8').send(served.json)
    : reply.send({ success: true, data: served.data });

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['movies'];
  const onRequest = app.optionalAuth;
  const security = [{}, ...bearer];

  const searchSchema = {
    tags,
    summary: 'Search movies and series',
    description:
      'By title, original title, cast, director or genre; typos tolerated. Ranked by relevance, then popularity.',
    security,
    querystring: SearchMoviesQuery,
    response: { 200: MovieListResponse, ...errors(400, 401, 429, 503) },
  };
  const search = async (request: FastifyRequest, reply: FastifyReply, q: string, page: Page) =>
    sendServed(reply, await searchMovieList(request.deps, app.tmdb, await request.viewer(), q, page));

  app.get(
    '/search',
    { onRequest, config: { rateLimit: app.rateLimits.search }, schema: searchSchema },
    async (request, reply) => search(request, reply, request.query.q, request.query),
  );

  // Seed 004: GET /movies/?query=&page= searches; the search text is `query` instead of `q`.
  app.get(
    '/',
    {
      onRequest,
      config: { rateLimit: app.rateLimits.search },
      schema: {
        ...aliasOf('GET /api/v1/movies/search', searchSchema),
        description:
          'Alias of `GET /api/v1/movies/search`, the same handler and response; the search text is the `query` parameter.',
        querystring: QueryMoviesQuery,
      },
    },
    async (request, reply) => search(request, reply, request.query.query, request.query),
  );

  app.get(
    '/popular',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Popular movies and series',
        security,
        querystring: PageQuery,
        response: { 200: MovieListResponse, ...errors(400, 401, 429, 503) },
      },
    },
    async (request, reply) =>
      sendServed(reply, await popularMovies(request.deps, app.tmdb, await request.viewer(), request.query)),
  );

  app.get(
    '/coming-soon',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Upcoming titles',
        description: 'Release date after today, soonest first.',
        security,
        querystring: PageQuery,
        response: { 200: MovieListResponse, ...errors(400, 401, 429, 503) },
      },
    },
    async (request, reply) =>
      sendServed(reply, await comingSoonMovies(request.deps, app.tmdb, await request.viewer(), request.query)),
  );

  app.get(
    '/:id',
    {
      onRequest,
      schema: {
        tags,
        summary: 'Movie or series details',
        description:
          'Series carry their seasons and episodes. A bare number is read as a TMDb movie id. 403 CONTENT_RESTRICTED above the profile’s maturity rating.',
        security,
        params: IdParams,
        response: { 200: MovieDetailsResponse, ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request, reply) =>
      sendServed(reply, await getDetails(request.deps, app.tmdb, await request.viewer(), request.params.id, 'movie')),
  );
};

export default routes;
