// Rate limits per route class (seed 003): auth 5/min per IP, search 30/min per user, everything else
// 100/min per user (per IP when anonymous). Counters live in Redis when configured. Limit headers go out
// on every response in both spellings, with Retry-After on 429.
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../services/errors.ts';

interface RouteLimit {
  max: number;
  timeWindow: number;
  keyGenerator: (request: FastifyRequest) => string;
}

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: { auth: RouteLimit; search: RouteLimit };
  }
}

const byUser = (request: FastifyRequest) => (request.auth ? `u:${request.auth.userId}` : `ip:${request.ip}`);
const byIp = (request: FastifyRequest) => `ip:${request.ip}`;

export default fp(
  async (app) => {
    const { config } = app;
    const timeWindow = config.RATE_LIMIT_WINDOW_MS;
    await app.register(rateLimit, {
      global: true,
      hook: 'preHandler',
      max: config.RATE_LIMIT_GENERAL_MAX,
      timeWindow,
      keyGenerator: byUser,
      nameSpace: `${config.REDIS_KEY_PREFIX}rl:`,
      ...(config.REDIS_URL ? { redis: app.redis } : {}),
      skipOnError: true,
      errorResponseBuilder: (_request, context) =>
        new AppError('RATE_LIMITED', `Too many requests: retry in ${Math.ceil(context.ttl / 1000)} s`, {
          limit: context.max,
          retry_after: Math.ceil(context.ttl / 1000),
        }),
    });
    app.decorate('rateLimits', {
      auth: { max: config.RATE_LIMIT_AUTH_MAX, timeWindow, keyGenerator: byIp },
      search: { max: config.RATE_LIMIT_SEARCH_MAX, timeWindow, keyGenerator: byUser },
    });
    app.addHook('onSend', (_request, reply, payload, done) => {
      const limit = reply.getHeader('x-ratelimit-limit');
      if (limit !== undefined) {
        reply.header('ratelimit-limit', limit);
        reply.header('ratelimit-remaining', reply.getHeader('x-ratelimit-remaining'));
        reply.header('ratelimit-reset', reply.getHeader('x-ratelimit-reset'));
      }
      done(null, payload);
    });
  },
  { name: 'rate-limit', dependencies: ['config', 'cache', 'auth'] },
);
