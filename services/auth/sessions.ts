// Login sessions: creation, refresh-token rotation with reuse detection, and termination.
import type { Static } from '@sinclair/typebox';
import type { Platform } from '../../entities/accounts/login-session.ts';
import type { Role } from '../../entities/accounts/user.ts';
import type { AuthResponse, RefreshResponse, VerifyTokenResponse } from '../../schemas/auth.ts';
import type { SessionItem } from '../../schemas/profile.ts';
import * as sessions from '../../repositories/sessions.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { audit } from '../audit.ts';
import { newRefreshToken, parseRefreshToken, sha256 } from './tokens.ts';
import { isSessionActive, markSessionsEnded } from './session-state.ts';
import { accountUser } from './account-user.ts';

export interface Client {
  ip: string;
  platform: Platform;
  deviceName: string;
}

export type IssuedTokens = Omit<Static<typeof AuthResponse>['data'], 'user'>;
export type SessionView = Static<typeof SessionItem>;
type Refreshed = Static<typeof RefreshResponse>['data'];

export async function openSession(
  deps: Deps,
  user: { id: string; role: Role },
  client: Client,
): Promise<IssuedTokens & { sessionId: string }> {
  const sessionId = crypto.randomUUID();
  const refresh = newRefreshToken(sessionId);
  await sessions.insertSession(deps.em, {
    id: sessionId,
    userId: user.id,
    ip: client.ip,
    platform: client.platform,
    deviceName: client.deviceName,
    refreshHash: refresh.hash,
    ttlSeconds: deps.config.REFRESH_TOKEN_TTL,
    at: deps.clock.now(),
  });
  const access = deps.tokens.access({ user_id: user.id, session_id: sessionId, role: user.role });
  return {
    sessionId,
    auth_token: access,
    access_token: access,
    refresh_token: refresh.token,
    expires_in: deps.tokens.accessTtl,
  };
}

/**
 * Swaps a refresh token for a new pair. The swap is one conditional UPDATE, so of two parallel refreshes
 * with one token at most one succeeds; a token that was already rotated away ends the whole session.
 */
export async function rotateRefreshToken(deps: Deps, refreshToken: string, ip: string): Promise<Refreshed> {
  const parsed = parseRefreshToken(refreshToken);
  if (!parsed) throw new AppError('UNAUTHORIZED', 'Invalid refresh token');
  const next = newRefreshToken(parsed.sessionId);
  const swapped = await sessions.swapRefreshToken(deps.em, {
    sessionId: parsed.sessionId,
    oldHash: sha256(refreshToken),
    newHash: next.hash,
    ip,
    now: deps.clock.now(),
  });
  if (swapped) {
    const access = deps.tokens.access({ user_id: swapped.userId, session_id: parsed.sessionId, role: swapped.role });
    return {
      auth_token: access,
      access_token: access,
      refresh_token: next.token,
      expires_in: deps.tokens.accessTtl,
      user: await accountUser(deps.em, swapped.userId),
    };
  }
  const session = await sessions.findSessionState(deps.em, parsed.sessionId, deps.clock.now());
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
      actorId: session.userId,
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
): Promise<Refreshed> {
  const role = await sessions.touchLiveSession(deps.em, claims.session_id, claims.user_id, deps.clock.now());
  if (!role) throw new AppError('UNAUTHORIZED', 'The session has ended; log in again');
  const access = deps.tokens.access({ user_id: claims.user_id, session_id: claims.session_id, role });
  return {
    auth_token: access,
    access_token: access,
    expires_in: deps.tokens.accessTtl,
    user: await accountUser(deps.em, claims.user_id),
  };
}

/**
 * Seed 004's token check: the signature and expiry are checked by the caller (the token plugin); the token
 * is valid when its session is still active, so a logged-out token answers 401 like an expired one.
 */
export async function checkAccessToken(
  deps: Deps,
  claims: { user_id: string; session_id: string; exp: number },
): Promise<Static<typeof VerifyTokenResponse>['data']> {
  if (!(await isSessionActive(deps, claims.session_id))) throw new AppError('UNAUTHORIZED', 'The session has ended');
  return { valid: true, user_id: claims.user_id, expires_at: new Date(claims.exp * 1000).toISOString() };
}

export async function endSessions(
  deps: Deps,
  sessionIds: string[],
  status: 'terminated' | 'expired' = 'terminated',
): Promise<void> {
  if (sessionIds.length === 0) return;
  await sessions.endActiveSessions(deps.em, sessionIds, status);
  await markSessionsEnded(deps.cache, sessionIds);
}

/** Ends every active session of a user (optionally but one); returns the ended ids. */
export async function endUserSessions(deps: Deps, userId: string, exceptSessionId?: string): Promise<string[]> {
  const ids = await sessions.endUserSessions(deps.em, userId, exceptSessionId);
  await markSessionsEnded(deps.cache, ids);
  return ids;
}

export async function listSessions(deps: Deps, userId: string, currentSessionId: string): Promise<SessionView[]> {
  const rows = await sessions.listLiveSessions(deps.em, userId, deps.clock.now());
  return rows.map((r) => ({
    id: r.id,
    platform: r.platform,
    device_name: r.deviceName,
    ip_address: r.ipAddress,
    started_at: r.sessionStart.toISOString(),
    last_used_at: r.lastUsedAt.toISOString(),
    current: r.id === currentSessionId,
  }));
}

export async function revokeSession(deps: Deps, userId: string, sessionId: string, ip: string): Promise<void> {
  if (!(await sessions.endUserSession(deps.em, userId, sessionId)))
    throw new AppError('NOT_FOUND', 'Session not found');
  await markSessionsEnded(deps.cache, [sessionId]);
  await audit(deps, {
    action: 'auth.session_revoked',
    actorId: userId,
    ip,
    targetType: 'session',
    targetId: sessionId,
  });
}
