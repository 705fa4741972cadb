// Idempotency-Key for the billing POSTs: per user, the first request with a key runs and its answer is
// stored with the request's hash for 24 h; a repeat with the same body gets that answer without running
// again, a different body is 422, and a repeat while the first is still running is 409.
import { createHash } from 'node:crypto';
import type { Em } from '../db/orm.ts';
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
  em: Em,
  req: IdempotentRequest,
  fn: () => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  if (req.key === undefined) return { ...(await fn()), replayed: false };
  if (!/^[\x21-\x7e]{1,255}$/.test(req.key))
    throw new AppError('INVALID_REQUEST', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
  const hash = requestHash(req);
  await em.execute('delete from idempotency_keys where user_id = ? and key = ? and expires_at < now()', [
    req.userId,
    req.key,
  ]);
  const claimed = await em.execute<{ key: string }[]>(
    `insert into idempotency_keys (user_id, key, request_hash, status, locked_until, expires_at)
     values (?, ?, ?, 'in_flight', now() + make_interval(secs => ?), now() + make_interval(hours => ?))
     on conflict (user_id, key) do update set locked_until = excluded.locked_until
     where idempotency_keys.status = 'in_flight' and idempotency_keys.locked_until < now() and idempotency_keys.request_hash = excluded.request_hash
     returning key`,
    [req.userId, req.key, hash, LOCK_SECONDS, KEY_TTL_HOURS],
  );
  if (claimed.length === 0) {
    const rows = await em.execute<
      { request_hash: string; status: string; response_status: number | null; response_body: unknown }[]
    >(
      'select request_hash, status, response_status, response_body from idempotency_keys where user_id = ? and key = ?',
      [req.userId, req.key],
    );
    const stored = rows[0];
    if (!stored) return idempotent(em, req, fn); // expired and removed in between: claim again
    if (stored.request_hash !== hash)
      throw new AppError('IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was used with a different request');
    if (stored.status !== 'done')
      throw new AppError('IDEMPOTENCY_CONFLICT', 'A request with this Idempotency-Key is still being processed');
    const body = typeof stored.response_body === 'string' ? JSON.parse(stored.response_body) : stored.response_body;
    return replay(Number(stored.response_status), body);
  }
  let response: StoredResponse;
  try {
    response = await fn();
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      await finish(em, req, {
        status: err.status,
        body: { error: { code: err.code, message: err.message, details: err.details } },
      });
    } else {
      await em.execute('delete from idempotency_keys where user_id = ? and key = ?', [req.userId, req.key]);
    }
    throw err;
  }
  await finish(em, req, response);
  return { ...response, replayed: false };
}

async function finish(em: Em, req: IdempotentRequest, response: StoredResponse): Promise<void> {
  await em.execute(
    `update idempotency_keys set status = 'done', response_status = ?, response_body = ? where user_id = ? and key = ?`,
    [response.status, JSON.stringify(response.body), req.userId, req.key],
  );
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
export async function purgeExpiredKeys(em: Em): Promise<void> {
  await em.execute('delete from idempotency_keys where expires_at < now()');
}
