// Idempotency-Key for the billing POSTs: per user, the first request with a key runs and its answer is
// stored with the request's hash for 24 h; a repeat with the same body gets that answer without running
// again, a different body is 422, and a repeat while the first is still running is 409.
import { createHash } from 'node:crypto';
import { claimKey, deleteExpiredKey, findKey, finishKey, releaseKey } from '../../repositories/idempotency.ts';
import type { Deps } from '../deps.ts';
import { AppError, ERROR_STATUS, type ErrorCode } from '../errors.ts';

export const KEY_TTL_HOURS = 24;
/** An in-flight claim older than this belongs to a crashed request and may be taken over. */
const LOCK_SECONDS = 120;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface IdempotentRequest {
  userId: string;
  key: string | undefined;
  method: string;
  path: string;
  body: unknown;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const requestHash = (req: Pick<IdempotentRequest, 'method' | 'path' | 'body'>) =>
  createHash('sha256')
    .update(`${req.method} ${req.path}\n${canonical(req.body)}`)
    .digest('hex');

/**
 * Runs fn once per (user, key). Client errors (4xx AppErrors, e.g. a declined card) are stored and
 * replayed like successes; anything else releases the key so the client can retry.
 */
export async function idempotent(
  deps: Pick<Deps, 'em' | 'clock'>,
  req: IdempotentRequest,
  fn: () => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  if (req.key === undefined) return { ...(await fn()), replayed: false };
  if (!/^[\x21-\x7e]{1,255}$/.test(req.key))
    throw new AppError('INVALID_REQUEST', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
  const { em } = deps;
  const hash = requestHash(req);
  const now = deps.clock.now();
  await deleteExpiredKey(em, req.userId, req.key, now);
  const claimed = await claimKey(em, {
    userId: req.userId,
    key: req.key,
    hash,
    lockSeconds: LOCK_SECONDS,
    ttlHours: KEY_TTL_HOURS,
    now,
  });
  if (!claimed) {
    const stored = await findKey(em, req.userId, req.key);
    if (!stored) return idempotent(deps, req, fn); // expired and removed in between: claim again
    if (stored.request_hash !== hash)
      throw new AppError('IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was used with a different request');
    if (stored.status !== 'done')
      throw new AppError('IDEMPOTENCY_CONFLICT', 'A request with this Idempotency-Key is still being processed');
    return replay(stored.response_status ?? 0, stored.response_body);
  }
  let response: StoredResponse;
  try {
    response = await fn();
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      await finishKey(em, req.userId, req.key, err.status, {
        error: { code: err.code, message: err.message, details: err.details },
      });
    } else {
      await releaseKey(em, req.userId, req.key);
    }
    throw err;
  }
  await finishKey(em, req.userId, req.key, response.status, response.body);
  return { ...response, replayed: false };
}

/** A stored error is thrown again as the same AppError, so the error handler shapes it as before. */
function replay(status: number, body: StoredResponse['body']): StoredResponse & { replayed: true } {
  const error = (body as { error?: unknown } | null)?.error as
    | { code: ErrorCode; message: string; details: unknown }
    | undefined;
  if (status >= 400 && error && error.code in ERROR_STATUS)
    throw new AppError(error.code, error.message, error.details);
  return { status, body, replayed: true };
}

/** Removes expired keys (called from the renewal tick). */
export { purgeExpiredKeys } from '../../repositories/idempotency.ts';
