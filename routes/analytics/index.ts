// /analytics (seed 001): client events, one or a batch, and a profile's viewing stats.
// Rate limit: the analytics class (RATE_LIMIT_ANALYTICS_MAX an hour per user); each event of a batch
// costs one unit, so a batch of 50 weighs as 50 single events.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { EventsBody, EventsResponse, StatsParams, StatsResponse } from '../../schemas/analytics.ts';
import { bearer, errors } from '../../schemas/common.ts';
import { recordEvents } from '../../services/analytics/events.ts';
import { readOnlyRequests } from '../../services/cache/personal.ts';
import { EVENT_TYPES, MAX_BATCH } from '../../services/analytics/rules.ts';
import { viewingStats } from '../../services/analytics/stats.ts';

/** One unit per event: the body is validated by then (the cost runs in preHandler). */
const eventCount = (request: FastifyRequest) => {
  const body = request.body as { events?: unknown[] };
  return Array.isArray(body.events) ? body.events.length : 1;
};

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['analytics'];

  app.post(
    '/events',
    {
      onRequest: app.authenticate,
      config: { rateLimitClass: 'analytics', rateLimitCost: eventCount },
      bodyLimit: 512 * 1024,
      schema: {
        tags,
        summary: 'Track events',
        description:
          `One event, or \`{ "events": [...] }\` with up to ${MAX_BATCH}. Types: ${EVENT_TYPES.join(', ')}. ` +
          '`profile_id` must be a profile of the caller (404 otherwise); `video_*` events need `content_id`. ' +
          '`timestamp` over 5 minutes ahead is clamped to the server time; over 7 days old is refused (400). ' +
          '`metadata`: at most 20 keys, 2 KiB as JSON, 3 levels deep; `metadata.watched_seconds` is summed into watch time. ' +
          'A repeated `event_id` is stored once (counted in `duplicates`). 202 once the events are committed. ' +
          'Each event costs one unit of the analytics rate-limit class (`RATE_LIMIT_ANALYTICS_MAX`, 500 an hour per account by default).',
        security: bearer,
        body: EventsBody,
        response: { 202: EventsResponse, ...errors(400, 401, 404, 413, 429) },
      },
    },
    async (request, reply) => {
      // Events change nothing a signed-in read shows (stats come from the rollups): the account's
      // personal cache entries stay valid.
      readOnlyRequests.add(request);
      const body = request.body;
      const events = 'events' in body ? body.events : [body];
      const data = await recordEvents(request.deps, request.auth!.userId, events);
      return reply.code(202).send({ success: true, message: 'Events recorded', data });
    },
  );

  app.get(
    '/viewing-stats/:profile_id',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Get a profile’s viewing statistics',
        description:
          'Owner only (another account’s profile is 404). Watch time, titles started and completed, by genre, by day ' +
          '(last 30 days, UTC), by device, and the current streak, from the daily rollups: events count once the ' +
          'rollup job has run (every minute).',
        security: bearer,
        params: StatsParams,
        response: { 200: StatsResponse, ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await viewingStats(request.deps, request.auth!.userId, request.params.profile_id),
    }),
  );
};

export default routes;
