// The password-reset aggregate's SQL: requests with a hashed OTP, attempt claims, the status moves
// (pending → verified → completed, or revoked), the per-account mail count and re-issued codes.
import { sql } from 'kysely';
import type { ResetStatus } from '../entities/accounts/password-reset.ts';
import type { Em } from '../services/db/orm.ts';
import { db, toDate } from './db.ts';

const now = sql<Date>`now()`;

export interface ResetState {
  userId: string;
  status: ResetStatus;
  ipAddress: string;
  expired: boolean;
  tokenHash: string | null;
}

export async function insertReset(
  em: Em,
  reset: { id: string; userId: string; tokenHash: string; otpHash: string; ip: string; ttlSeconds: number; at: Date },
): Promise<void> {
  await db(em)
    .insertInto('password_resets')
    .values({
      id: reset.id,
      user_id: reset.userId,
      reset_token: reset.tokenHash,
      otp_code_hash: reset.otpHash,
      created_at: reset.at,
      expires_at: new Date(reset.at.getTime() + reset.ttlSeconds * 1000),
      status: 'pending',
      ip_address: reset.ip,
      attempts: 0,
    })
    .execute();
}

/** Reset requests (= mails) created for the account within the windowSeconds before `at`. */
export async function countRecentResets(em: Em, userId: string, windowSeconds: number, at: Date): Promise<number> {
  const row = await db(em)
    .selectFrom('password_resets')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('created_at', '>', new Date(at.getTime() - windowSeconds * 1000))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findReset(em: Em, id: string, at: Date): Promise<ResetState | undefined> {
  const row = await db(em)
    .selectFrom('password_resets')
    .select((eb) => ['user_id', 'status', 'ip_address', 'reset_token', eb('expires_at', '<=', at).as('expired')])
    .where('id', '=', id)
    .executeTakeFirst();
  return (
    row && {
      userId: row.user_id,
      status: row.status,
      ipAddress: row.ip_address,
      expired: Boolean(row.expired),
      tokenHash: row.reset_token,
    }
  );
}

/**
 * Claims one attempt on a pending, unexpired request with attempts left, before the code is checked, so
 * parallel guesses cannot exceed the limit; returns the attempt number and the code's hash.
 */
export async function claimAttempt(
  em: Em,
  id: string,
  maxAttempts: number,
  at: Date,
): Promise<{ attempts: number; otpHash: string | null } | undefined> {
  const row = await db(em)
    .updateTable('password_resets')
    .set({ attempts: sql<number>`attempts + 1`, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('attempts', '<', maxAttempts)
    .where('expires_at', '>', at)
    .returning(['attempts', 'otp_code_hash'])
    .executeTakeFirst();
  return row && { attempts: row.attempts, otpHash: row.otp_code_hash };
}

/** Moves a request from one status to another; false when it was not in `from`. */
export async function moveReset(em: Em, id: string, from: ResetStatus, to: ResetStatus): Promise<boolean> {
  const row = await db(em)
    .updateTable('password_resets')
    .set({ status: to, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', from)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Revokes the user's other open requests once one of them has been used. */
export async function revokeOtherResets(em: Em, userId: string, exceptId: string): Promise<void> {
  await db(em)
    .updateTable('password_resets')
    .set({ status: 'revoked', updated_at: now })
    .where('user_id', '=', userId)
    .where('id', '<>', exceptId)
    .where('status', 'in', ['pending', 'verified'])
    .execute();
}

/**
 * Replaces the code of a still-pending, unexpired request (a mail that could not be delivered is sent
 * again with a fresh code); returns the recipient, or undefined when the request is no longer usable.
 */
export async function reissueOtp(
  em: Em,
  id: string,
  otpHash: string,
  at: Date,
): Promise<{ email: string; fullName: string; expiresAt: Date } | undefined> {
  const row = await db(em)
    .updateTable('password_resets as r')
    .from('users as u')
    .set({ otp_code_hash: otpHash, updated_at: now })
    .whereRef('u.id', '=', 'r.user_id')
    .where('r.id', '=', id)
    .where('r.status', '=', 'pending')
    .where('r.expires_at', '>', at)
    .returning(['u.email_address', 'u.full_name', 'r.expires_at'])
    .executeTakeFirst();
  return row && { email: row.email_address, fullName: row.full_name, expiresAt: toDate(row.expires_at) };
}

/** Housekeeping: open requests past their expiry become 'revoked'. */
export async function expireStaleResets(em: Em, at: Date): Promise<void> {
  await db(em)
    .updateTable('password_resets')
    .set({ status: 'revoked', updated_at: now })
    .where('status', 'in', ['pending', 'verified'])
    .where('expires_at', '<=', at)
    .execute();
}
