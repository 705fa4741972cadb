// Login sessions: creation, refresh-token rotation with reuse detection, and termination.
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { audit } from '../audit.ts';
import { newRefreshToken, parseRefreshToken, sha256 } from './tokens.ts';
import { markSessionsEnded } from './session-state.ts';
import type { Platform } from '../../entities/accounts/login-session.ts';

export interface Client {
  ip: string;
  platform: Platform;
  deviceName: string;
}

export interface IssuedTokens {
  auth_token: string;
  refresh_token: string;
  expires_in: number;
}

type Role = 'user' | 'admin';

export async function openSession(
  deps: Deps,
  user: { id: string; role: Role },
  client: Client,
): Promise<IssuedTokens & { sessionId: string }> {
  const sessionId = crypto.randomUUID();
  const refresh = newRefreshToken(sessionId);
  await deps.em.execute(
    `insert into login_sessions (id, user_id, ip_address, platform, device_name, refresh_token, refresh_token_expires_at)
     values (?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?))`,
    [sessionId, user.id, client.ip, client.platform, client.deviceName, refresh.hash, deps.config.REFRESH_TOKEN_TTL],
  );
  return {
    sessionId,
    auth_token: deps.tokens.access({ user_id: user.id, session_id: sessionId, role: user.role }),
    refresh_token: refresh.token,
    expires_in: deps.tokens.accessTtl,
  };
}

/**
 * Swaps a refresh token for a new pair. The swap is one conditional UPDATE, so of two parallel refreshes
 * with one token at most one succeeds; a token that was already rotated away ends the whole session.
 */
export async function rotateRefreshToken(deps: Deps, refreshToken: string, ip: string): Promise<IssuedTokens> {
  const parsed = parseRefreshToken(refreshToken);
  if (!parsed) throw new AppError('UNAUTHORIZED', 'Invalid refresh token');
  const next = newRefreshToken(parsed.sessionId);
  const rows = await deps.em.execute<{ user_id: string; role: Role }[]>(
    `update login_sessions s set refresh_token = ?, last_used_at = now(), ip_address = ?, updated_at = now()
     from users u
     where s.id = ? and s.refresh_token = ? and s.status = 'active' and s.refresh_token_expires_at > now() and u.id = s.user_id
     returning s.user_id, u.role`,
    [next.hash, ip, parsed.sessionId, sha256(refreshToken)],
  );
  if (rows.length === 1) {
    const { user_id, role } = rows[0];
    return {
      auth_token: deps.tokens.access({ user_id, session_id: parsed.sessionId, role }),
      refresh_token: next.token,
      expires_in: deps.tokens.accessTtl,
    };
  }
  const [session] = await deps.em.execute<{ user_id: string; status: string; expired: boolean }[]>(
    'select user_id, status, refresh_token_expires_at <= now() as expired from login_sessions where id = ?',
    [parsed.sessionId],
  );
  if (!session) throw new AppError('UNAUTHORIZED', 'Invalid refresh token');
  if (session.status === 'active' && session.expired) {
    await endSessions(deps, [parsed.sessionId], 'expired');
    throw new AppError('TOKEN_EXPIRED', 'The refresh token has expired; log in again');
  }
  if (session.status === 'active') {
    // The token belonged to this session but is no longer its current one: it was stolen or replayed.
    await endSessions(deps, [parsed.sessionId], 'terminated');
    await audit(deps, {
      action: 'auth.token_reuse_detected',
      actorId: session.user_id,
      ip,
      targetType: 'session',
      targetId: parsed.sessionId,
    });
    throw new AppError('TOKEN_REUSED', 'This refresh token was already used; the session has been ended');
  }
  throw new AppError('UNAUTHORIZED', 'The session has ended; log in again');
}

/** Seed 003's refresh: a still-valid access token of an active session gets a fresh access token. */
export async function refreshFromAccessToken(
  deps: Deps,
  claims: { user_id: string; session_id: string },
): Promise<{ auth_token: string; expires_in: number }> {
  const rows = await deps.em.execute<{ role: Role }[]>(
    `update login_sessions s set last_used_at = now() from users u
     where s.id = ? and s.user_id = ? and s.status = 'active' and s.refresh_token_expires_at > now() and u.id = s.user_id
     returning u.role`,
    [claims.session_id, claims.user_id],
  );
  if (rows.length === 0) throw new AppError('UNAUTHORIZED', 'The session has ended; log in again');
  return {
    auth_token: deps.tokens.access({ user_id: claims.user_id, session_id: claims.session_id, role: rows[0].role }),
    expires_in: deps.tokens.accessTtl,
  };
}

export async function endSessions(
  deps: Deps,
  sessionIds: string[],
  status: 'terminated' | 'expired' = 'terminated',
): Promise<void> {
  if (sessionIds.length === 0) return;
  await deps.em.execute(
    `update login_sessions set status = ?, session_end = now(), updated_at = now() where id in (${sessionIds.map(() => '?').join(',')}) and status = 'active'`,
    [status, ...sessionIds],
  );
  await markSessionsEnded(deps.cache, sessionIds);
}

/** Ends every active session of a user (optionally but one); returns the ended ids. */
export async function endUserSessions(deps: Deps, userId: string, exceptSessionId?: string): Promise<string[]> {
  const rows = await deps.em.execute<{ id: string }[]>(
    `update login_sessions set status = 'terminated', session_end = now(), updated_at = now()
     where user_id = ? and status = 'active' and id <> ? returning id`,
    [userId, exceptSessionId ?? '00000000-0000-0000-0000-000000000000'],
  );
  const ids = rows.map((r) => r.id);
  await markSessionsEnded(deps.cache, ids);
  return ids;
}

export interface SessionView {
  id: string;
  platform: string;
  device_name: string;
  ip_address: string;
  started_at: string;
  last_used_at: string;
  current: boolean;
}

export async function listSessions(deps: Deps, userId: string, currentSessionId: string): Promise<SessionView[]> {
  const rows = await deps.em.execute<
    {
      id: string;
      platform: string;
      device_name: string;
      ip_address: string;
      session_start: string;
      last_used_at: string;
    }[]
  >(
    `select id, platform, device_name, ip_address, session_start, last_used_at from login_sessions
     where user_id = ? and status = 'active' and refresh_token_expires_at > now() order by last_used_at desc limit 100`,
    [userId],
  );
  return rows.map((r) => ({
    id: r.id,
    platform: r.platform,
    device_name: r.device_name,
    ip_address: r.ip_address,
    started_at: new Date(r.session_start).toISOString(),
    last_used_at: new Date(r.last_used_at).toISOString(),
    current: r.id === currentSessionId,
  }));
}

export async function revokeSession(deps: Deps, userId: string, sessionId: string, ip: string): Promise<void> {
  const rows = await deps.em.execute<{ id: string }[]>(
    `update login_sessions set status = 'terminated', session_end = now(), updated_at = now()
     where id = ? and user_id = ? and status = 'active' returning id`,
    [sessionId, userId],
  );
  if (rows.length === 0) throw new AppError('NOT_FOUND', 'Session not found');
  await markSessionsEnded(deps.cache, [sessionId]);
  await audit(deps, {
    action: 'auth.session_revoked',
    actorId: userId,
    ip,
    targetType: 'session',
    targetId: sessionId,
  });
}
