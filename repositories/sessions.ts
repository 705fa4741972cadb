// The login-session aggregate's SQL: open, rotate the refresh token with one conditional UPDATE, end,
// list, and the one-row activity check the request path makes on a cache miss.
import { sql } from 'kysely';
import type { Platform, SessionStatus } from '../entities/accounts/login-session.ts';
import type { Role } from '../entities/accounts/user.ts';
import type { Em } from '../services/db/orm.ts';
import { db, toDate } from './db.ts';

const now = sql<Date>`now()`;

export interface NewSession {
  id: string;
  userId: string;
  ip: string;
  platform: Platform;
  deviceName: string;
  refreshHash: string;
  ttlSeconds: number;
  /** When it opens: its refresh token expires ttlSeconds later. */
  at: Date;
}

export interface SessionRow {
  id: string;
  platform: Platform;
  deviceName: string;
  ipAddress: string;
  sessionStart: Date;
  lastUsedAt: Date;
}

export async function insertSession(em: Em, s: NewSession): Promise<void> {
  await db(em)
    .insertInto('login_sessions')
    .values({
      id: s.id,
      user_id: s.userId,
      ip_address: s.ip,
      platform: s.platform,
      device_name: s.deviceName,
      refresh_token: s.refreshHash,
      refresh_token_expires_at: new Date(s.at.getTime() + s.ttlSeconds * 1000),
    })
    .execute();
}

/**
 * Swaps the refresh-token hash when oldHash is still the session's current one and the session is live;
 * returns the owner and their current role, or undefined when nothing matched (one statement, so of two
 * parallel swaps with one token at most one matches).
 */
export async function swapRefreshToken(
  em: Em,
  swap: { sessionId: string; oldHash: string; newHash: string; ip: string; now: Date },
): Promise<{ userId: string; role: Role } | undefined> {
  const row = await db(em)
    .updateTable('login_sessions as s')
    .from('users as u')
    .set({ refresh_token: swap.newHash, last_used_at: now, ip_address: swap.ip, updated_at: now })
    .whereRef('u.id', '=', 's.user_id')
    .where('s.id', '=', swap.sessionId)
    .where('s.refresh_token', '=', swap.oldHash)
    .where('s.status', '=', 'active')
    .where('s.refresh_token_expires_at', '>', swap.now)
    .returning(['s.user_id', 'u.role'])
    .executeTakeFirst();
  return row && { userId: row.user_id, role: row.role };
}

/** A session's owner, status and whether its refresh token has expired by `at`. */
export async function findSessionState(
  em: Em,
  sessionId: string,
  at: Date,
): Promise<{ userId: string; status: SessionStatus; expired: boolean } | undefined> {
  const row = await db(em)
    .selectFrom('login_sessions')
    .select((eb) => ['user_id', 'status', eb('refresh_token_expires_at', '<=', at).as('expired')])
    .where('id', '=', sessionId)
    .executeTakeFirst();
  return row && { userId: row.user_id, status: row.status, expired: Boolean(row.expired) };
}

/** Marks a live session of the user as used; returns the user's role, or undefined when it is not live. */
export async function touchLiveSession(em: Em, sessionId: string, userId: string, at: Date): Promise<Role | undefined> {
  const row = await db(em)
    .updateTable('login_sessions as s')
    .from('users as u')
    .set({ last_used_at: now })
    .whereRef('u.id', '=', 's.user_id')
    .where('s.id', '=', sessionId)
    .where('s.user_id', '=', userId)
    .where('s.status', '=', 'active')
    .where('s.refresh_token_expires_at', '>', at)
    .returning('u.role')
    .executeTakeFirst();
  return row?.role;
}

/** Whether the session is active with an unexpired refresh token: the request path's one query. */
export async function isSessionLive(em: Em, sessionId: string, at: Date): Promise<boolean> {
  const row = await db(em)
    .selectFrom('login_sessions')
    .select((eb) => eb.and([eb('status', '=', 'active'), eb('refresh_token_expires_at', '>', at)]).as('active'))
    .where('id', '=', sessionId)
    .executeTakeFirst();
  return row?.active === true;
}

const endedAs = (status: 'terminated' | 'expired') => ({ status, session_end: now, updated_at: now });

export async function endActiveSessions(em: Em, sessionIds: string[], status: 'terminated' | 'expired'): Promise<void> {
  if (sessionIds.length === 0) return;
  await db(em)
    .updateTable('login_sessions')
    .set(endedAs(status))
    .where('id', 'in', sessionIds)
    .where('status', '=', 'active')
    .execute();
}

/** Ends every active session of a user but one (optional); returns the ended ids. */
export async function endUserSessions(em: Em, userId: string, exceptSessionId?: string): Promise<string[]> {
  let q = db(em)
    .updateTable('login_sessions')
    .set(endedAs('terminated'))
    .where('user_id', '=', userId)
    .where('status', '=', 'active');
  if (exceptSessionId) q = q.where('id', '<>', exceptSessionId);
  const rows = await q.returning('id').execute();
  return rows.map((r) => r.id);
}

/** Ends one active session of the user; false when the user has no such active session. */
export async function endUserSession(em: Em, userId: string, sessionId: string): Promise<boolean> {
  const row = await db(em)
    .updateTable('login_sessions')
    .set(endedAs('terminated'))
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The user's live sessions, most recently used first (at most 100). */
export async function listLiveSessions(em: Em, userId: string, at: Date): Promise<SessionRow[]> {
  const rows = await db(em)
    .selectFrom('login_sessions')
    .select(['id', 'platform', 'device_name', 'ip_address', 'session_start', 'last_used_at'])
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .where('refresh_token_expires_at', '>', at)
    .orderBy('last_used_at', 'desc')
    .limit(100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    platform: r.platform,
    deviceName: r.device_name,
    ipAddress: r.ip_address,
    sessionStart: toDate(r.session_start),
    lastUsedAt: toDate(r.last_used_at),
  }));
}

/** Housekeeping: active sessions past their refresh expiry become 'expired'. */
export async function expireStaleSessions(em: Em, at: Date): Promise<void> {
  await db(em)
    .updateTable('login_sessions')
    .set(endedAs('expired'))
    .where('status', '=', 'active')
    .where('refresh_token_expires_at', '<=', at)
    .execute();
}
