// OpenAPI 3.1 generated from the TypeBox route schemas, served as Swagger UI at /api/docs and JSON at
// /api/docs/json; the AsyncAPI 3 document of the WebSocket at /api/docs/asyncapi.json. Registers the shared
// schemas (schemas/components.ts), which the document names as components.
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { optionalBody } from '../schemas/common.ts';
import { components } from '../schemas/components.ts';
import { finishDocument, OPTIONAL_BODY, type OpenApiDocument } from '../services/openapi.ts';
import { asyncApi } from '../services/asyncapi.ts';

export default fp(
  async (app) => {
    for (const schema of components) app.addSchema(schema);
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Cinemate API',
          version: app.config.APP_VERSION,
          license: { name: 'MIT', identifier: 'MIT' },
          contact: { name: 'Cinemate' },
          description:
            'Backend for video-streaming apps. Every success is `{ success: true, message?, data }`; every error is ' +
            '`{ success: false, error: { code, message, details }, timestamp, request_id }`. Authenticate with `Authorization: Bearer <auth_token>` ' +
            'from login or signup; refresh it with the refresh token. Rate limits: auth 5/min per IP, search 30/min and ' +
            'everything else 100/min per user, with X-RateLimit-* and RateLimit-* headers and Retry-After on 429. ' +
            'Live notifications arrive over the WebSocket at /api/v1/ws, described by the AsyncAPI document at /api/docs/asyncapi.json.',
        },
        servers: [{ url: '/' }],
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
        tags: [
          { name: 'auth', description: 'Sign-up, login, refresh, logout and password reset by emailed OTP' },
          {
            name: 'profile',
            description:
              'The account: details, password, sessions and notifications (also pushed live over the WebSocket at /api/v1/ws)',
          },
          { name: 'movies', description: 'Catalog lists, search, details, genres and favourites' },
          {
            name: 'content',
            description: 'Browse with filters, trending, new releases, one title and search with match scores',
          },
          {
            name: 'profiles',
            description:
              'Viewer profiles of the account (also at /users/profiles): at most 5, optional 4-digit PIN unlocked per login session',
          },
          {
            name: 'library',
            description: 'A profile’s watchlist, history, continue watching and next up (/profiles/{id}/…)',
          },
          {
            name: 'recommendations',
            description:
              'Personalised rows, platform trending and similar titles; GET /movies/recommendations is the movie-list form',
          },
          { name: 'ratings', description: 'Up/down ratings, one per profile per title' },
          {
            name: 'analytics',
            description: 'Client events (one or a batch) and viewing statistics from daily rollups',
          },
          {
            name: 'streaming',
            description:
              'Playback: signed manifests, sessions within the plan’s stream limit, progress heartbeats, resume points and history',
          },
          {
            name: 'watch-parties',
            description:
              'Synchronized playback with chat: create, join with an invite code, read and end a party; the rest runs on /api/v1/ws',
          },
          {
            name: 'billing',
            description:
              'Plans, the subscription lifecycle, invoices, Stripe Checkout and portal links, and the provider webhook',
          },
          {
            name: 'admin',
            description:
              'Admin only: titles, seasons and episodes (create, edit, soft delete), media processing status and notification broadcasts',
          },
          {
            name: 'graphql',
            description: 'One GraphQL schema over the same services (SDL at /api/v1/graphql/schema.graphql)',
          },
          { name: 'system', description: 'Health, liveness and readiness probes, and metrics' },
        ],
      },
      // A route that fills an absent body in (optionalBody) says so to the document; the mark becomes
      // `requestBody.required: false` in finishDocument.
      transform: ({ schema, url, route }) => ({
        schema: [route.preValidation].flat().includes(optionalBody) ? { ...schema, [OPTIONAL_BODY]: true } : schema,
        url,
      }),
      transformObject: (document) =>
        'openapiObject' in document
          ? finishDocument(document.openapiObject as unknown as OpenApiDocument)
          : document.swaggerObject,
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
      },
    });
    await app.register(swaggerUi, {
      routePrefix: '/api/docs',
      uiConfig: { docExpansion: 'list', deepLinking: true },
      staticCSP: true,
    });
    const asyncApiDoc = asyncApi(app.config.APP_VERSION);
    app.get('/api/docs/asyncapi.json', { schema: { hide: true } }, async () => asyncApiDoc);
  },
  { name: 'docs', dependencies: ['config'] },
);
