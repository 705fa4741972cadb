// Rate limits by class (services/security/rate-limit.ts holds the table): every request is counted in its
// route's class, per user (per IP when anonymous; auth always per IP), in Redis when configured so all
// instances share the counters. Headers go out on every counted response: X-RateLimit-* (Reset as an
// epoch second, seed 001), RateLimit-* (Reset in seconds), the IETF RateLimit / RateLimit-Policy pair,
// and Retry-After on 429.
//
// How a route chooses its class and cost (route `config`):
//   config: { rateLimitClass: 'search' }              count in the search class instead of its path's class
//   config: { rateLimitCost: 5 }                      one call uses 5 units of the class budget
//   config: { rateLimitCost: (req) => req.body.items.length }
//                                                     a cost per request (a batch weighs by its size); it
//                                                     runs in preHandler, after auth and validation
//   config: { rateLimit: false }                      not counted (probes, webhooks, media segments)
// Without them a route gets the class and cost of its path (pathClass: /auth → auth, /content → content,
// /streaming → streaming, admin writes cost 5, recommendations 2 ...).
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../services/errors.ts';
import {
  type ClassTable,
  classTable,
  type CounterStore,
  type Decision,
  decide,
  memoryCounters,
  pathClass,
  type RateLimitClass,
  redisCounters,
} from '../services/security/rate-limit.ts';

export type RateLimitCost = number | ((request: FastifyRequest) => number);

/** What `config.rateLimit` may hold besides false (app.rateLimits gives the common ones). */
export interface RouteLimit {
  class: RateLimitClass;
  cost?: RateLimitCost;
}

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: Record<RateLimitClass, RouteLimit> & {
      table: ClassTable;
      /** Spends cost units of a class for this caller (e.g. a GraphQL field that searches); 429 past it. */
      spend(request: FastifyRequest, reply: FastifyReply | null, cls: RateLimitClass, cost: number): Promise<void>;
    };
  }
  interface FastifyContextConfig {
    rateLimit?: RouteLimit | false;
    rateLimitClass?: RateLimitClass;
    rateLimitCost?: RateLimitCost;
  }
}

const who = (request: FastifyRequest, per: 'ip' | 'user') =>
  per === 'user' && request.auth ? `u:${request.auth.userId}` : `ip:${request.ip}`;

function costOf(request: FastifyRequest, cost: RateLimitCost): number {
  const n = typeof cost === 'function' ? cost(request) : cost;
  // A cost that is not a positive number would let a request through for free: count it as 1.
  return Number.isFinite(n) && n >= 1 ? Math.ceil(n) : 1;
}

function sendHeaders(reply: FastifyReply, cls: RateLimitClass, d: Decision): void {
  reply.header('x-ratelimit-limit', d.limit);
  reply.header('x-ratelimit-remaining', d.remaining);
  reply.header('x-ratelimit-reset', d.resetEpoch);
  reply.header('ratelimit-limit', d.limit);
  reply.header('ratelimit-remaining', d.remaining);
  reply.header('ratelimit-reset', d.resetIn);
  reply.header('ratelimit-policy', `"${cls}";q=${d.limit};w=${d.windowSeconds}`);
  reply.header('ratelimit', `"${cls}";r=${d.remaining};t=${d.resetIn}`);
}

export default fp(
  async (app) => {
    const { config } = app;
    const table = classTable(config);
    const store: CounterStore = config.REDIS_URL
      ? redisCounters(app.redis, `${config.REDIS_KEY_PREFIX}rl:`)
      : memoryCounters();
    app.addHook('onClose', () => store.close());
    const marker = (cls: RateLimitClass): RouteLimit => ({ class: cls });
    const spend = async (request: FastifyRequest, reply: FastifyReply | null, cls: RateLimitClass, cost: number) => {
      const limit = table[cls];
      let d: Decision;
      try {
        d = decide(limit, await store.hit(`${cls}:${who(request, limit.per)}`, cost, limit.windowMs));
      } catch (err) {
        // A counter store that fails must not take the API down with it: the request goes through. The
        // cache plugin reports a Redis outage once; a line per request here would flood the log.
        request.log.debug({ err }, 'rate-limit counters unavailable');
        return;
      }
      if (reply) sendHeaders(reply, cls, d);
      if (d.allowed) return;
      reply?.header('retry-after', d.resetIn);
      throw new AppError('RATE_LIMITED', `Too many requests: retry in ${d.resetIn} s`, {
        class: cls,
        limit: d.limit,
        retry_after: d.resetIn,
      });
    };
    app.decorate('rateLimits', {
      table,
      spend,
      auth: marker('auth'),
      search: marker('search'),
      content: marker('content'),
      streaming: marker('streaming'),
      analytics: marker('analytics'),
      general: marker('general'),
    });

    // preHandler: auth (onRequest) has named the user and the body is validated for a cost function.
    app.addHook('preHandler', async (request, reply) => {
      const rc = request.routeOptions.config;
      if (rc.rateLimit === false || !request.routeOptions.url) return;
      const byPath = pathClass(request.routeOptions.url, request.method);
      const cls = rc.rateLimitClass ?? rc.rateLimit?.class ?? byPath.cls;
      await spend(request, reply, cls, costOf(request, rc.rateLimitCost ?? rc.rateLimit?.cost ?? byPath.cost));
    });
  },
  { name: 'rate-limit', dependencies: ['config', 'cache', 'auth'] },
);
