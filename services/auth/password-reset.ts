// Forgot-password by emailed OTP (seed 003): request → verify (hashed OTP, attempts, expiry, same IP,
// single use) → change (sets the password, completes the request, revokes the others, ends all sessions).
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { audit } from '../audit.ts';
import { hashSecret, verifySecret } from './passwords.ts';
import { newOtp, sha256 } from './tokens.ts';
import { endUserSessions } from './sessions.ts';

export async function requestReset(deps: Deps, email: string, ip: string): Promise<{ reset_token: string }> {
  const rows = await deps.em.execute<{ id: string; email_address: string; full_name: string }[]>(
    'select id, email_address, full_name from users where lower(email_address) = ?',
    [email.trim().toLowerCase()],
  );
  const user = rows[0];
  const resetId = crypto.randomUUID();
  const otp = newOtp();
  // Hash even for an unknown email so both answers take the same time (no account enumeration).
  const otpHash = await hashSecret(otp);
  const resetToken = deps.tokens.reset({ user_id: user?.id ?? crypto.randomUUID(), reset_id: resetId });
  if (!user) return { reset_token: resetToken };

  await deps.em.execute(
    `insert into password_resets (id, user_id, reset_token, otp_code_hash, expires_at, status, ip_address, attempts)
     values (?, ?, ?, ?, now() + make_interval(secs => ?), 'pending', ?, 0)`,
    [resetId, user.id, sha256(resetToken), otpHash, deps.config.OTP_TTL, ip],
  );
  const minutes = Math.round(deps.config.OTP_TTL / 60);
  // Sent in the background: the answer must not wait for (or reveal) the mail server.
  deps.mailer
    .send({
      to: user.email_address,
      subject: 'Your Cinemate password reset code',
      text: `Hello ${user.full_name},\n\nYour password reset code is ${otp}. It expires in ${minutes} minutes.\nIf you did not ask for it, ignore this message.\n`,
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

interface ResetRow {
  user_id: string;
  status: string;
  ip_address: string;
  attempts: number;
  expired: boolean;
  token_hash: string | null;
}

async function loadReset(deps: Deps, resetId: string, token: string): Promise<ResetRow> {
  const rows = await deps.em.execute<ResetRow[]>(
    'select user_id, status, ip_address, attempts, expires_at <= now() as expired, reset_token as token_hash from password_resets where id = ?',
    [resetId],
  );
  const row = rows[0];
  // Unknown-email tokens have no row: they fail exactly like a wrong code.
  if (!row || row.token_hash !== sha256(token)) throw new AppError('INVALID_OTP', 'Invalid or expired code');
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
  if (row.ip_address !== ip)
    throw new AppError('FORBIDDEN', 'The code must be verified from the address that requested it');
  const max = deps.config.OTP_MAX_ATTEMPTS;
  // Claim one attempt atomically before checking, so parallel guesses cannot exceed the limit.
  const claimed = await deps.em.execute<{ attempts: number; otp_code_hash: string }[]>(
    `update password_resets set attempts = attempts + 1, updated_at = now()
     where id = ? and status = 'pending' and attempts < ? and expires_at > now() returning attempts, otp_code_hash`,
    [claims.reset_id, max],
  );
  if (claimed.length === 0) {
    await deps.em.execute(
      `update password_resets set status = 'revoked', updated_at = now() where id = ? and status = 'pending'`,
      [claims.reset_id],
    );
    throw new AppError('INVALID_OTP', 'Too many wrong codes; request a new one', { attempts_left: 0 });
  }
  const { attempts, otp_code_hash } = claimed[0];
  if (!(await verifySecret(otp_code_hash, otp))) {
    if (attempts >= max) {
      await deps.em.execute(
        `update password_resets set status = 'revoked', updated_at = now() where id = ? and status = 'pending'`,
        [claims.reset_id],
      );
    }
    await audit(deps, {
      action: 'auth.otp_failed',
      actorId: row.user_id,
      ip,
      targetType: 'password_reset',
      targetId: claims.reset_id,
      details: { attempts },
    });
    throw new AppError('INVALID_OTP', 'Invalid or expired code', { attempts_left: Math.max(0, max - attempts) });
  }
  const done = await deps.em.execute<{ id: string }[]>(
    `update password_resets set status = 'verified', updated_at = now() where id = ? and status = 'pending' returning id`,
    [claims.reset_id],
  );
  if (done.length === 0) throw new AppError('INVALID_OTP', 'This reset request is no longer pending');
  await audit(deps, {
    action: 'auth.otp_verified',
    actorId: row.user_id,
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
    const completed = await em.execute<{ user_id: string }[]>(
      `update password_resets set status = 'completed', updated_at = now() where id = ? and status = 'verified' returning user_id`,
      [claims.reset_id],
    );
    if (completed.length === 0) throw new AppError('FORBIDDEN', 'This reset request is no longer usable');
    await em.execute('update users set hash_password = ?, updated_at = now() where id = ?', [hash, row.user_id]);
    await em.execute(
      `update password_resets set status = 'revoked', updated_at = now() where user_id = ? and id <> ? and status in ('pending', 'verified')`,
      [row.user_id, claims.reset_id],
    );
  });
  const ended = await endUserSessions(deps, row.user_id);
  await audit(deps, {
    action: 'auth.password_reset',
    actorId: row.user_id,
    ip,
    targetType: 'password_reset',
    targetId: claims.reset_id,
    details: { sessions_ended: ended.length },
  });
}
