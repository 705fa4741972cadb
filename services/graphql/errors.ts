// GraphQL answers carry the REST error codes: each error gets `extensions.code` (an AppError's code, or the
// code of what went wrong) and its details; the HTTP status is the code's status when nothing could run.
// Unexpected errors are logged and shown as INTERNAL_ERROR without their message.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, ERROR_STATUS, type ErrorCode, isDependencyOutage } from '../errors.ts';
import type { Logger } from '../deps.ts';

interface Mapped {
  status: number;
  error: GraphQLFormattedError;
}

const formatted = (e: GraphQLError, code: ErrorCode, message: string, details?: unknown, status?: number): Mapped => ({
  status: status ?? ERROR_STATUS[code],
  error: {
    message,
    ...(e.locations ? { locations: e.locations } : {}),
    ...(e.path ? { path: e.path } : {}),
    extensions: { code, ...(details && Object.keys(details).length > 0 ? { details } : {}) },
  },
});

/** Framework errors that arrive as plain errors with a status (a body too large, a bad content type). */
const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  405: 'INVALID_REQUEST',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

function mapOne(e: GraphQLError, log: Logger): Mapped[] {
  const original = e.originalError as (Error & { errors?: unknown[]; statusCode?: number; code?: string }) | undefined;
  if (original instanceof AppError) return [formatted(e, original.code, original.message, original.details)];
  // Parse and validation failures come wrapped, one error per problem found.
  if (original && Array.isArray(original.errors)) {
    return original.errors.map((inner) => {
      const g = inner instanceof GraphQLError ? inner : new GraphQLError(String((inner as Error).message ?? inner));
      // A mutation sent with GET is refused with 405 (mercurius's status), the rest with 400.
      return formatted(g, 'INVALID_REQUEST', g.message, undefined, original.statusCode === 405 ? 405 : 400);
    });
  }
  // No original error: graphql-js itself refused the document or the variables.
  if (!original) return [formatted(e, 'INVALID_REQUEST', e.message)];
  if (isDependencyOutage(original))
    return [formatted(e, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable')];
  const byStatus = original.statusCode ? STATUS_CODES[original.statusCode] : undefined;
  if (byStatus) return [formatted(e, byStatus, original.message)];
  if (original.name === 'UniqueConstraintViolationException')
    return [formatted(e, 'CONFLICT', 'The resource already exists')];
  log.error({ err: original, path: e.path }, 'unhandled GraphQL error');
  return [formatted(e, 'INTERNAL_ERROR', 'Something went wrong')];
}

/** The errors of one GraphQL answer, and its status: 200 when any data came back, else the first error's. */
export function formatErrors(
  errors: readonly GraphQLError[],
  hasData: boolean,
  log: Logger,
): { statusCode: number; errors: GraphQLFormattedError[] } {
  const mapped = errors.flatMap((e) => mapOne(e, log));
  return { statusCode: hasData ? 200 : (mapped[0]?.status ?? 200), errors: mapped.map((m) => m.error) };
}
