// One error handler: every 4xx/5xx leaves in the seed 003 envelope with a timestamp and a request id (seed 001). Domain errors keep
// their code; framework errors get the code of their status; an unreachable database or Redis is a 503 with
// Retry-After; anything unexpected is a hidden 500.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, isDependencyOutage } from '../services/errors.ts';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHORIZED',
  402: 'PAYMENT_FAILED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details: unknown = {},
) {
  return reply.code(status).send({
    success: false,
    error: { code, message, details },
    timestamp: new Date().toISOString(),
    request_id: request.id,
  });
}

// A body of a hundred thousand unknown keys is that many schema errors: the reply names the first few.
const MAX_FIELD_ERRORS = 20;

function validationDetails(err: FastifyError) {
  const fields = (err.validation ?? []).slice(0, MAX_FIELD_ERRORS).map((v) => {
    const missing = (v.params as { missingProperty?: string; additionalProperty?: string }) ?? {};
    const base = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const name = missing.missingProperty ?? missing.additionalProperty;
    const field = [base, name].filter(Boolean).join('.') || (err.validationContext ?? 'body');
    const message = missing.additionalProperty ? 'is not allowed' : (v.message ?? 'is invalid');
    return { field, in: err.validationContext ?? 'body', message };
  });
  return { fields };
}

export default fp(
  async (app) => {
    const retryAfter = String(app.config.RETRY_AFTER_SECONDS);
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (err instanceof AppError) {
        if (err.status >= 500) request.log.warn({ code: err.code }, err.message);
        if (err.status === 503) reply.header('retry-after', retryAfter);
        return sendError(request, reply, err.status, err.code, err.message, err.details);
      }
      if (err.validation) {
        return sendError(request, reply, 400, 'INVALID_REQUEST', 'The request is invalid', validationDetails(err));
      }
      const status = err.statusCode ?? 500;
      if (err.code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED') {
        return sendError(request, reply, 401, 'TOKEN_EXPIRED', 'The access token has expired');
      }
      if (err.code?.startsWith('FST_JWT_')) {
        return sendError(request, reply, 401, 'UNAUTHORIZED', 'Missing or invalid access token');
      }
      if (err.name === 'UniqueConstraintViolationException') {
        return sendError(request, reply, 409, 'CONFLICT', 'The resource already exists');
      }
      if (status >= 400 && status < 500) {
        const code = CODE_BY_STATUS[status] ?? 'INVALID_REQUEST';
        // Framework messages are safe to show (they name the limit or the header, never internals).
        return sendError(request, reply, status, code, err.message || code, {});
      }
      if (status === 503 || isDependencyOutage(err)) {
        // An outage is logged once per request at warn with its reason; the client learns only to retry.
        request.log.warn({ reason: err.code ?? err.name, message: err.message }, 'dependency unavailable');
        reply.header('retry-after', retryAfter);
        return sendError(request, reply, 503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable');
      }
      request.log.error({ err }, 'unhandled error');
      return sendError(request, reply, 500, 'INTERNAL_ERROR', 'Something went wrong');
    });

    app.setNotFoundHandler((request, reply) =>
      sendError(request, reply, 404, 'NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`),
    );
  },
  { name: 'errors', dependencies: ['config'] },
);
