// Domain errors: services throw these with a stable code; the errors plugin maps code → HTTP status
// and the envelope, so no service ever knows about HTTP.

export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REUSED: 401,
  INVALID_OTP: 400,
  QUERY_TOO_DEEP: 400,
  QUERY_TOO_COMPLEX: 400,
  OTP_EXPIRED: 400,
  PAYMENT_FAILED: 402,
  SUBSCRIPTION_REQUIRED: 402,
  FORBIDDEN: 403,
  IP_BLOCKED: 403,
  CONTENT_RESTRICTED: 403,
  PROFILE_LOCKED: 403,
  INVALID_PIN: 403,
  PIN_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  EMAIL_TAKEN: 409,
  PROFILE_LIMIT_REACHED: 409,
  STREAM_LIMIT_REACHED: 409,
  MEDIA_NOT_READY: 409,
  IDEMPOTENCY_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_MISMATCH: 422,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details: unknown = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = details;
  }
}

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `${what} not found`);

// Errors that mean a dependency (PostgreSQL, Redis) is unreachable rather than that the request is wrong:
// the answer is 503 with Retry-After, so clients and load balancers retry instead of giving up.
const OUTAGE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '57P01', // admin_shutdown (pg_terminate_backend, server stopping)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
]);
const OUTAGE_NAMES = new Set(['ConnectionException', 'MaxRetriesPerRequestError']);
// What pg and ioredis say when the other end is gone (these errors carry no SQLSTATE).
const OUTAGE_MESSAGE = new RegExp(
  [
    'Connection terminated',
    'Connection is closed',
    'timeout exceeded when trying to connect',
    "Stream isn't writeable",
    'Command timed out',
    'Client has encountered a connection error',
    'connect ECONNREFUSED',
    'read ECONNRESET',
    'the database system is (starting up|shutting down)',
    'terminating connection due to administrator command',
  ].join('|'),
  'i',
);

/** True when err (or an error it wraps) says PostgreSQL or Redis could not be reached. */
export function isDependencyOutage(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const e = current as Error & { code?: unknown; errors?: unknown[] };
    if (typeof e.code === 'string' && (OUTAGE_CODES.has(e.code) || e.code.startsWith('08'))) return true;
    if (OUTAGE_NAMES.has(e.name) || OUTAGE_MESSAGE.test(e.message)) return true;
    // AggregateError (a connect to several addresses) carries the real causes in errors.
    if (Array.isArray(e.errors) && e.errors.some((inner) => isDependencyOutage(inner))) return true;
    current = e.cause;
  }
  return false;
}
