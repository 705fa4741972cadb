// Forgot-password by emailed OTP (seed 003): request → verify (hashed OTP, attempts, expiry, same IP,
// single use) → change (sets the password, completes the request, revokes the others, ends all sessions).
// A token issued for an unknown email, or beyond the per-account mail cap, is a decoy: it has no row, but
// its address and attempts are kept in the cache so that verify answers it exactly as a real one.
import * as accounts from '../../repositories/accounts.ts';
import * as resets from '../../repositories/password-resets.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { audit } from '../audit.ts';
import { burnVerify, hashSecret, verifySecret } from './passwords.ts';
import { resetMail, sendResetMail } from './reset-mail.ts';
import { newOtp, sha256 } from './tokens.ts';
import { endUserSessions } from './sessions.ts';

// One spelling per answer, shared by real and decoy requests.
const notPending = () => new AppError('INVALID_OTP', 'This reset request is no longer pending');
const wrongAddress = () => new AppError('FORBIDDEN', 'The code must be verified from the address that requested it');
const wrongCode = (left: number) =>
  new AppError('INVALID_OTP', 'Invalid or expired code', { attempts_left: Math.max(0, left) });
const tooMany = () => new AppError('INVALID_OTP', 'Too many wrong codes; request a new one', { attempts_left: 0 });
const notVerified = () => new AppError('FORBIDDEN', 'Verify the code before changing the password');

/** How long after the answer a reset mail is composed and sent. */
const MAIL_DELAY_MS = 100;
const decoyIpKey = (resetId: string) => `reset:decoy:${resetId}`;
const decoyTriesKey = (resetId: string) => `reset:decoy-tries:${resetId}`;

/** A decoy's state is best effort: a cache outage must not make unknown emails answer differently (500). */
async function orElse<T>(deps: Deps, work: Promise<T>, fallback: T): Promise<T> {
  try {
    return await work;
  } catch (err) {
    deps.log.warn({ err }, 'password reset decoy state unavailable');
    return fallback;
  }
}

export async function requestReset(deps: Deps, email: string, ip: string): Promise<{ reset_token: string }> {
  const resetId = crypto.randomUUID();
  const otp = newOtp();
  // Hash even for an unknown email so both answers take the same time (no account enumeration).
  const otpHash = await hashSecret(otp);
  const issue = (userId: string) => deps.tokens.reset({ user_id: userId, reset_id: resetId });
  const user = await accounts.findCredentialsByEmail(deps.em, email);
  const { PASSWORD_RESET_MAILS_PER_ACCOUNT: cap, PASSWORD_RESET_MAIL_WINDOW_SECONDS: window } = deps.config;
  // An unknown email walks the same transaction, on an id no account has, and is audited alike, so that its
  // answer takes as long as a known one's. The account row is locked while counting, so parallel requests
  // from many addresses cannot pass the cap.
  const accountId = user?.id ?? crypto.randomUUID();
  const resetToken = await deps.em.transactional(async (em) => {
    await accounts.lockAccount(em, accountId);
    const recent = await resets.countRecentResets(em, accountId, window, deps.clock.now());
    if (!user || recent >= cap) return null;
    const token = issue(user.id);
    await resets.insertReset(em, {
      id: resetId,
      userId: user.id,
      tokenHash: sha256(token),
      otpHash,
      ip,
      ttlSeconds: deps.config.OTP_TTL,
      at: deps.clock.now(),
    });
    return token;
  });
  if (user && resetToken) {
    await audit(deps, {
      action: 'auth.password_reset_requested',
      actorId: user.id,
      ip,
      targetType: 'password_reset',
      targetId: resetId,
    });
    // Composed a moment after the answer has gone out: building the mail takes the event loop for a few ms,
    // which must not lengthen a known email's answer (nor the next request on the same connection).
    const mail = resetMail(user, otp, Math.round(deps.config.OTP_TTL / 60));
    setTimeout(() => sendResetMail(deps, resetId, mail), MAIL_DELAY_MS).unref();
    return { reset_token: resetToken };
  }
  await audit(deps, {
    action: user ? 'auth.password_reset_capped' : 'auth.password_reset_unknown_email',
    actorId: user?.id ?? null,
    ip,
    targetType: 'password_reset',
    targetId: resetId,
  });
  await orElse(deps, deps.cache.set(decoyIpKey(resetId), ip, deps.config.OTP_TTL), undefined);
  return { reset_token: issue(crypto.randomUUID()) };
}

async function loadReset(deps: Deps, resetId: string, token: string): Promise<resets.ResetState | undefined> {
  const row = await resets.findReset(deps.em, resetId, deps.clock.now());
  return row && row.tokenHash === sha256(token) ? row : undefined;
}

/** A decoy token's verification: the same checks in the same order as a real one, and it never passes. */
async function failDecoy(deps: Deps, resetId: string, otp: string, ip: string): Promise<never> {
  const max = deps.config.OTP_MAX_ATTEMPTS;
  if (Number(await orElse(deps, deps.cache.get(decoyTriesKey(resetId)), null)) >= max) throw notPending();
  const requestedFrom = await orElse(deps, deps.cache.get(decoyIpKey(resetId)), null);
  if (requestedFrom !== null && requestedFrom !== ip) throw wrongAddress();
  const attempts = await orElse(deps, deps.cache.incr(decoyTriesKey(resetId), deps.config.OTP_TTL), 1);
  if (attempts > max) throw tooMany();
  await burnVerify(otp);
  throw wrongCode(max - attempts);
}

export async function verifyOtp(
  deps: Deps,
  claims: { reset_id: string },
  token: string,
  otp: string,
  ip: string,
): Promise<void> {
  const row = await loadReset(deps, claims.reset_id, token);
  if (!row) return failDecoy(deps, claims.reset_id, otp, ip);
  if (row.status !== 'pending') throw notPending();
  if (row.expired) throw new AppError('OTP_EXPIRED', 'The code has expired; request a new one');
  if (row.ipAddress !== ip) throw wrongAddress();
  const max = deps.config.OTP_MAX_ATTEMPTS;
  // Claim one attempt atomically before checking, so parallel guesses cannot exceed the limit.
  const claimed = await resets.claimAttempt(deps.em, claims.reset_id, max, deps.clock.now());
  if (!claimed) {
    await resets.moveReset(deps.em, claims.reset_id, 'pending', 'revoked');
    throw tooMany();
  }
  const { attempts, otpHash } = claimed;
  if (!otpHash || !(await verifySecret(otpHash, otp))) {
    if (attempts >= max) await resets.moveReset(deps.em, claims.reset_id, 'pending', 'revoked');
    await audit(deps, {
      action: 'auth.otp_failed',
      actorId: row.userId,
      ip,
      targetType: 'password_reset',
      targetId: claims.reset_id,
      details: { attempts },
    });
    throw wrongCode(max - attempts);
  }
  if (!(await resets.moveReset(deps.em, claims.reset_id, 'pending', 'verified'))) throw notPending();
  await audit(deps, {
    action: 'auth.otp_verified',
    actorId: row.userId,
    ip,
    targetType: 'password_reset',
    targetId: claims.reset_id,
  });
}

export async function completeReset(
  deps: Deps,
  claims: { reset_id: string },
  token: string,
  newPassword: string,
  ip: string,
): Promise<void> {
  const row = await loadReset(deps, claims.reset_id, token);
  // A decoy token can never be verified, so it is answered as an unverified request.
  if (row?.status !== 'verified') throw notVerified();
  if (row.expired) throw new AppError('OTP_EXPIRED', 'The reset request has expired; request a new one');
  const hash = await hashSecret(newPassword);
  await deps.em.transactional(async (em) => {
    if (!(await resets.moveReset(em, claims.reset_id, 'verified', 'completed')))
      throw new AppError('FORBIDDEN', 'This reset request is no longer usable');
    await accounts.setPasswordHash(em, row.userId, hash);
    await resets.revokeOtherResets(em, row.userId, claims.reset_id);
  });
  const ended = await endUserSessions(deps, row.userId);
  await audit(deps, {
    action: 'auth.password_reset',
    actorId: row.userId,
    ip,
    targetType: 'password_reset',
    targetId: claims.reset_id,
    details: { sessions_ended: ended.length },
  });
}
