// Delivery of password-reset codes. A mail is sent in the background (the answer must not wait for, or
// reveal, the mail server); when the mailer fails, job auth.send-reset-mail sends it again with backoff.
// The job's payload holds only the reset id, never a code: the job issues a fresh code (its hash replaces
// the stored one) and mails that, so no plain code is ever stored in the jobs table or written to a log.
import { enqueue } from '../../repositories/jobs.ts';
import { reissueOtp } from '../../repositories/password-resets.ts';
import type { Deps } from '../deps.ts';
import type { MailMessage } from '../mail/mailer.ts';
import { hashSecret } from './passwords.ts';
import { newOtp } from './tokens.ts';

export const RESET_MAIL_JOB = 'auth.send-reset-mail';
/** With the queue's backoff (10 s, 20 s, 40 s ...) six attempts span the default 10-minute code lifetime. */
export const RESET_MAIL_ATTEMPTS = 6;

export interface ResetMailPayload {
  reset_id: string;
}

type MailDeps = Pick<Deps, 'em' | 'mailer' | 'clock' | 'log'>;

export function resetMail(to: { email: string; fullName: string }, otp: string, minutes: number): MailMessage {
  return {
    to: to.email,
    subject: 'Your Cinemate password reset code',
    text: `Hello ${to.fullName},\n\nYour password reset code is ${otp}. It expires in ${minutes} minutes.\nIf you did not ask for it, ignore this message.\n`,
  };
}

/** Sends the mail without making the caller wait; a failure queues the retry job instead of losing the code. */
export function sendResetMail(deps: MailDeps, resetId: string, message: MailMessage): void {
  deps.mailer.send(message).catch(async (err: Error) => {
    deps.log.warn({ err: { message: err.message }, resetId }, 'password reset mail failed; queued for retry');
    try {
      await enqueue(deps.em, RESET_MAIL_JOB, { reset_id: resetId } satisfies ResetMailPayload, {
        dedupeKey: `reset-mail:${resetId}`,
        maxAttempts: RESET_MAIL_ATTEMPTS,
      });
    } catch (queueErr) {
      deps.log.error({ err: queueErr, resetId }, 'password reset mail could not be queued');
    }
  });
}

/**
 * The job: mails a fresh code for a request that is still pending; a mailer failure throws, so the queue
 * retries later. A request that was used, revoked or has expired needs no mail any more.
 */
export async function deliverQueuedResetMail(deps: MailDeps, payload: ResetMailPayload): Promise<void> {
  const otp = newOtp();
  const now = deps.clock.now();
  const recipient = await reissueOtp(deps.em, payload.reset_id, await hashSecret(otp), now);
  if (!recipient) {
    deps.log.info({ resetId: payload.reset_id }, 'queued reset mail dropped: the request is no longer pending');
    return;
  }
  const minutes = Math.max(1, Math.round((recipient.expiresAt.getTime() - now.getTime()) / 60_000));
  await deps.mailer.send(resetMail(recipient, otp, minutes));
  deps.log.info({ resetId: payload.reset_id }, 'queued reset mail delivered');
}
