// Hardening: security headers, the CORS allow-list, JSON bodies with size and depth limits (no NUL, no
// prototype keys), request ids in responses, and the IP block list.
import fp from 'fastify-plugin';
import cors from '@fastify/cors';
import { listOf } from '../services/config.ts';
import { jsonShapeExceeds } from '../services/security/json-depth.ts';
import { isIpBlocked } from '../services/security/ip-blocks.ts';
import { securityHeaders } from '../services/security/headers.ts';
import { AppError } from '../services/errors.ts';
import { assertUrlHasNoNul, parseJsonBody } from '../services/validation.ts';

const MAX_JSON_DEPTH = 32;
// Far above any body the API takes (an admin title with its seasons and cast stays under a thousand).
const MAX_JSON_KEYS = 10_000;

export default fp(
  async (app) => {
    // helmet's headers; the API answers JSON and the docs pages set their own CSP (swagger-ui staticCSP).
    const headers = securityHeaders({
      contentSecurityPolicy: false,
      crossOriginResourcePolicy: { policy: 'same-site' },
    });
    const origins = listOf(app.config.CORS_ORIGINS);
    await app.register(cors, {
      origin: origins.length > 0 ? origins : false,
      credentials: false,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Profile-Id', 'X-Profile-Pin'],
      exposedHeaders: [
        'X-Request-Id',
        'Retry-After',
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
      ],
      maxAge: 600,
    });

    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      const text = body as string;
      if (text.length === 0) return done(null, undefined);
      const shape = jsonShapeExceeds(text, MAX_JSON_DEPTH, MAX_JSON_KEYS);
      if (shape === 'depth')
        return done(new AppError('INVALID_REQUEST', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      if (shape === 'keys')
        return done(new AppError('INVALID_REQUEST', `JSON with more than ${MAX_JSON_KEYS} keys`), undefined);
      try {
        // Prototype keys and NUL characters are refused outright (400), never dropped or passed on.
        done(null, parseJsonBody(text));
      } catch (err) {
        done(err instanceof AppError ? err : new AppError('INVALID_REQUEST', 'The body is not valid JSON'), undefined);
      }
    });

    app.addHook('onRequest', async (request, reply) => {
      reply.headers(headers);
      reply.header('x-request-id', request.id);
      assertUrlHasNoNul(request.url);
      // request.deps forks em only when the cache does not know the address (plugins/db.ts).
      if (await isIpBlocked(request.deps, request.ip)) {
        throw new AppError('IP_BLOCKED', 'Requests from this address are temporarily blocked');
      }
    });
  },
  { name: 'security', dependencies: ['config', 'db', 'cache', 'services'] },
);
