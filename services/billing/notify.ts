// Telling a user about a billing problem (a declined renewal): a notification (stored, and pushed over the
// WebSocket when a publisher is given), an email when that cannot be written. One function, one place to switch.
import { accountEmail } from '../../repositories/subscriptions.ts';
import type { Deps } from '../deps.ts';
import { createNotification } from '../notifications/store.ts';
import type { Publisher } from '../notifications/types.ts';

export interface BillingProblem {
  /** Stable per failed attempt, so a redelivered event never notifies twice. */
  key: string;
  reason: string;
  amount: number;
  currency: string;
}

export type NotifyBillingDeps = Pick<Deps, 'em' | 'mailer' | 'log'> & { realtime?: Publisher | null };

const money = (amount: number, currency: string) => `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;

export async function notifyBillingProblem(
  deps: NotifyBillingDeps,
  userId: string,
  problem: BillingProblem,
): Promise<'notification' | 'email'> {
  const amount = money(problem.amount, problem.currency);
  const message =
    `We could not charge ${amount} for your subscription: ${problem.reason} ` +
    'Update your payment method to keep watching.';
  try {
    await createNotification({ em: deps.em, log: deps.log, realtime: deps.realtime ?? null }, userId, {
      type: 'system_update',
      title: 'Your payment failed',
      message,
      dedupe_key: `billing:${problem.key}`.slice(0, 120),
    });
    return 'notification';
  } catch (err) {
    deps.log.warn({ err }, 'billing notification not stored; sending an email instead');
  }
  const email = await accountEmail(deps.em, userId);
  if (email !== null) await deps.mailer.send({ to: email, subject: 'Your Cinemate payment failed', text: message });
  return 'email';
}
