// Domain errors: services throw these with a stable code; the errors plugin maps code → HTTP status
// and the envelope, so no service ever knows about HTTP.

export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REUSED: 401,
  INVALID_OTP: 400,
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
