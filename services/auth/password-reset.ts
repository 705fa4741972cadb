// Forgot-password by emailed OTP (seed 003): request → verify (hashed OTP, attempts, expiry, same IP,
// single use) → change (sets the password, completes the request, revokes the others, ends all sessions).
import * as accounts from '../../repositories/accounts.ts';
import * as resets from '../../repositories/password-resets.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { audit } from '../audit.ts';
import { hashSecret, verifySecret } from './passwords.ts';
import { newOtp, sha256 } from './tokens.ts';
import { endUserSessions } from './sessions.ts';

export async function requestReset(deps: Deps, email: string, ip: string): Promise<{ reset_token: string }> {
  const user = await accounts.findCredentialsByEmail(deps.em, email);
  const resetId = crypto.randomUUID();
  const otp = newOtp();
  // Hash even for an unknown email so both answers take the same time (no account enumeration).
  const otpHash = await hashSecret(otp);
  const resetToken = deps.tokens.reset({ user_id: user?.id ?? crypto.randomUUID(), reset_id: resetId });
  if (!user) return { reset_token: resetToken };

  await resets.insertReset(deps.em, {
    id: resetId,
    userId: user.id,
    tokenHash: sha256(resetToken),
    otpHash,
    ip,
    ttlSeconds: deps.config.OTP_TTL,
  });
  const minutes = Math.round(deps.config.OTP_TTL / 60);
  // Sent in the background: the answer must not wait for (or reveal) the mail server.
  deps.mailer
    .send({
      to: user.email,
      subject: 'Your Cinemate password reset code',
      text: `Hello ${user.fullName},\n\nYour password reset code is ${otp}. It expires in ${minutes} minutes.\nIf you did not ask for it, ignore this message.\n`,
    })
    .catch((err) => deps.log.error({ err, resetId }, 'password reset mail failed'));
  await audit(deps, {
    action: 'auth.password_reset_requested',
    actorId: user.id,
    ip,
    targetType: 'password_reset',
    targetId: resetId,
  });
  return { reset_token: resetToken };
}

async function loadReset(deps: Deps, resetId: string, token: string): Promise<resets.ResetState> {
  const row = await resets.findReset(deps.em, resetId);
  // Unknown-email tokens have no row: they fail exactly like a wrong code.
  if (!row || row.tokenHash !== sha256(token)) throw new AppError('INVALID_OTP', 'Invalid or expired code');
  return row;
}

export async function verifyOtp(
  deps: Deps,
  claims: { reset_id: string },
  token: string,
  otp: string,
  ip: string,
): Promise<void> {
  const row = await loadReset(deps, claims.reset_id, token);
  if (row.status !== 'pending') throw new AppError('INVALID_OTP', 'This reset request is no longer pending');
  if (row.expired) throw new AppError('OTP_EXPIRED', 'The code has expired; request a new one');
  if (row.ipAddress !== ip)
    throw new AppError('FORBIDDEN', 'The code must be verified from the address that requested it');
  const max = deps.config.OTP_MAX_ATTEMPTS;
  // Claim one attempt atomically before checking, so parallel guesses cannot exceed the limit.
  const claimed = await resets.claimAttempt(deps.em, claims.reset_id, max);
  if (!claimed) {
    await resets.moveReset(deps.em, claims.reset_id, 'pending', 'revoked');
    throw new AppError('INVALID_OTP', 'Too many wrong codes; request a new one', { attempts_left: 0 });
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
    throw new AppError('INVALID_OTP', 'Invalid or expired code', { attempts_left: Math.max(0, max - attempts) });
  }
  if (!(await resets.moveReset(deps.em, claims.reset_id, 'pending', 'verified')))
    throw new AppError('INVALID_OTP', 'This reset request is no longer pending');
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
  if (row.status !== 'verified') throw new AppError('FORBIDDEN', 'Verify the code before changing the password');
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
