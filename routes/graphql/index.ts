// /api/v1/graphql (mercurius): one GraphQL schema (schemas/graphql.ts) over the services REST uses, with
// the same bearer auth, viewer profiles, maturity filter and error codes (in extensions.code). Before an
// operation runs, its depth and cost are checked against GRAPHQL_MAX_DEPTH / GRAPHQL_MAX_COST and its cost
// is spent from the caller's GRAPHQL_COST_BUDGET. Subscriptions share the app's WebSocket server.
import type { FastifyPluginAsync } from 'fastify';
import { getOperationAST, NoSchemaIntrospectionCustomRule } from 'graphql';
import mercurius from 'mercurius';
import { printedSchema, SDL } from '../../schemas/graphql.ts';
import { readOnlyRequests } from '../../services/cache/personal.ts';
import { analyse, checkLimits, introspectionEnabled, spendBudget } from '../../services/graphql/cost.ts';
import { formatErrors } from '../../services/graphql/errors.ts';
import { authenticateGraphql, gqlContext } from './context.ts';
import { mutationResolvers } from './mutations.ts';
import { queryResolvers } from './queries.ts';
import { onConnect, subscriptionResolvers } from './subscriptions.ts';
import { titleLoaders, titleResolvers } from './titles.ts';

const DESCRIPTION =
  'GraphQL over the same services as the REST API: `me`, `title(id)`, `browse`, `search`, `home(profileId)` ' +
  '(continue watching, next up, recommendation rows, trending and my list in one round trip), favourites, watchlist, ' +
  'history, notifications, and mutations for the library, ratings, progress, notification read state and profiles. ' +
  'The schema (SDL) is at [/api/v1/graphql/schema.graphql](/api/v1/graphql/schema.graphql). Same bearer token; the ' +
  'viewer profile is a `profileId` argument, else `X-Profile-Id`, else the first one. Errors carry the REST codes in ' +
  '`errors[].extensions.code`. An operation nested deeper than GRAPHQL_MAX_DEPTH is refused with QUERY_TOO_DEEP, one ' +
  'costing more than GRAPHQL_MAX_COST with QUERY_TOO_COMPLEX (each object field counts 1, times the sizes of the lists ' +
  'around it); every operation spends its cost from a per-user budget per rate-limit window (RATE_LIMITED past it). ' +
  'GET runs queries only. The `notificationAdded` subscription is served over WebSocket (graphql-transport-ws) on the same path.';

const routes: FastifyPluginAsync = async (app) => {
  const { config } = app;
  const introspection = introspectionEnabled(config);

  // One OpenAPI entry for GET and POST; mercurius keeps its own request schemas.
  app.addHook('onRoute', (route) => {
    if (route.url.replace(/\/$/, '') !== `${route.prefix}`) return;
    route.schema = {
      ...route.schema,
      tags: ['graphql'],
      summary: 'GraphQL endpoint',
      description: DESCRIPTION,
      security: [{}, { bearerAuth: [] }],
    };
  });
  app.addHook('onRequest', async (request) => authenticateGraphql(app, request));

  await app.register(mercurius, {
    schema: SDL,
    resolvers: { ...queryResolvers, ...mutationResolvers, ...titleResolvers, ...subscriptionResolvers(app) } as never,
    loaders: titleLoaders as never,
    path: '/',
    graphiql: config.NODE_ENV === 'development',
    validationRules: introspection ? [] : [NoSchemaIntrospectionCustomRule],
    context: (request) => ({ gql: gqlContext(app, request) }),
    errorFormatter: (execution, context) => {
      const log = (context as { reply?: { log: typeof app.log } }).reply?.log ?? app.log;
      const { statusCode, errors } = formatErrors(execution.errors, Boolean(execution.data), log);
      return { statusCode, response: { data: execution.data ?? null, errors } };
    },
    subscription: {
      onConnect: onConnect(app),
      keepAlive: config.WS_HEARTBEAT_MS,
    },
  });

  app.graphql.addHook('preExecution', async (schema, document, context, variables) => {
    const { gql } = context as unknown as { gql?: ReturnType<typeof gqlContext> };
    const sent = (gql?.request.body ?? gql?.request.query) as { operationName?: string } | undefined;
    const operationName = sent?.operationName;
    const cost = checkLimits(analyse(schema, document, operationName, variables ?? {}), {
      maxDepth: config.GRAPHQL_MAX_DEPTH,
      maxCost: config.GRAPHQL_MAX_COST,
    });
    // A query sent over the subscription socket has no HTTP request: the limits apply, the budget is per request.
    if (!gql) return;
    // A query writes nothing: the account's personal cache entries stay valid (plugins/personal-cache.ts).
    if (getOperationAST(document, operationName)?.operation === 'query') readOnlyRequests.add(gql.request);
    const caller = gql.request.auth ? `u:${gql.request.auth.userId}` : `ip:${gql.request.ip}`;
    await spendBudget(app.cache, caller, cost, {
      budget: config.GRAPHQL_COST_BUDGET,
      windowMs: config.RATE_LIMIT_WINDOW_MS,
    });
  });
  app.graphql.addHook('preSubscriptionExecution', async (schema, document) => {
    checkLimits(analyse(schema, document), { maxDepth: config.GRAPHQL_MAX_DEPTH, maxCost: config.GRAPHQL_MAX_COST });
  });

  const sdl = printedSchema();
  app.get('/schema.graphql', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/plain; charset=utf-8').send(sdl),
  );
};

export default routes;
