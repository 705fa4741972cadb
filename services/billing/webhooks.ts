// Provider webhooks: the signature is checked on the raw body (Stripe's scheme, 300 s tolerance either way), each
// event id is recorded and applied once in the same transaction, and only a committed change is acknowledged.
import Stripe from 'stripe';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import {
  LIVE,
  otherLiveSubscription,
  recordEvent,
  upsertInvoice,
  upsertSubscription,
  userOfCustomer,
} from '../../repositories/subscriptions.ts';
import { notifyBillingProblem, type BillingProblem, type NotifyBillingDeps } from './notify.ts';
import { fromStripeInvoice, fromStripeSubscription } from './stripe-objects.ts';

export const WEBHOOK_TOLERANCE_SECONDS = 300;

export interface WebhookOutcome {
  id: string;
  type: string;
  /** false when the event id was seen before (a replay): nothing was applied again. */
  applied: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: a provider event's object is loose JSON read field by field.
type Event = { id: string; type: string; created: number; data: { object: Record<string, any> } };

export function verifyEvent(rawBody: Buffer | string, signature: string | string[] | undefined, secret: string): Event {
  if (!signature || Array.isArray(signature)) throw new AppError('INVALID_REQUEST', 'Missing Stripe-Signature header');
  let event: Event;
  try {
    event = Stripe.webhooks.constructEvent(rawBody, signature, secret, WEBHOOK_TOLERANCE_SECONDS) as unknown as Event;
  } catch (err) {
    throw new AppError('INVALID_REQUEST', `Webhook signature verification failed: ${(err as Error).message}`);
  }
  // The SDK refuses only old timestamps; one signed for the future would stay replayable until then.
  const signedAt = Number(/(?:^|,)\s*t=(\d+)/.exec(signature)?.[1]);
  if (!(signedAt <= Date.now() / 1000 + WEBHOOK_TOLERANCE_SECONDS))
    throw new AppError(
      'INVALID_REQUEST',
      'Webhook signature verification failed: Timestamp outside the tolerance zone',
    );
  return event;
}

export async function handleWebhook(
  deps: NotifyBillingDeps,
  provider: string,
  input: { rawBody: Buffer | string; signature: string | string[] | undefined; secret: string },
): Promise<WebhookOutcome> {
  const event = verifyEvent(input.rawBody, input.signature, input.secret);
  const problem = await deps.em.transactional(async (tx) => {
    const fresh = await recordEvent(tx, { id: event.id, type: event.type, created: new Date(event.created * 1000) });
    if (!fresh) return { applied: false, notify: null };
    return { applied: true, notify: await apply(tx, provider, event) };
  });
  if (problem.notify) {
    // After the commit, so a notification never goes out for an event that was rolled back.
    await notifyBillingProblem(deps, problem.notify.userId, problem.notify.problem).catch((err) =>
      deps.log.error({ err }, 'billing problem notification failed'),
    );
  }
  return { id: event.id, type: event.type, applied: problem.applied };
}

async function apply(
  em: Deps['em'],
  provider: string,
  event: Event,
): Promise<{ userId: string; problem: BillingProblem } | null> {
  const object = event.data.object;
  const stateAt = new Date(event.created * 1000);
  if (event.type.startsWith('customer.subscription.')) {
    const snapshot = fromStripeSubscription(object, stateAt);
    const userId = (await userOfCustomer(em, provider, snapshot.customer)) ?? snapshot.metadata.user_id;
    if (!userId) return unknownCustomer(em, event);
    // The loser of two concurrent subscribe requests is cancelled at the provider; its live snapshot must not
    // fail on the one-live-subscription index (a 500 the provider would retry for days). Its cancellation is
    // stored when it arrives.
    if ((LIVE as readonly string[]).includes(snapshot.status) && (await otherLiveSubscription(em, userId, snapshot.id)))
      return null;
    await upsertSubscription(em, userId, provider, snapshot, true);
    return null;
  }
  if (event.type.startsWith('invoice.')) {
    const invoice = fromStripeInvoice(object);
    const userId = await userOfCustomer(em, provider, invoice.customer);
    if (!userId) return unknownCustomer(em, event);
    const changed = await upsertInvoice(em, userId, invoice);
    if (event.type === 'invoice.payment_failed' && changed) {
      return {
        userId,
        problem: {
          key: event.id,
          reason: invoice.failure_reason ?? 'The payment was declined.',
          amount: invoice.amount_due,
          currency: invoice.currency,
        },
      };
    }
    return null;
  }
  // checkout.session.completed and others: the subscription events that follow carry the state.
  return null;
}

// An object of a customer this app never created (another app on the same Stripe account): acknowledged, ignored.
async function unknownCustomer(_em: Deps['em'], _event: Event) {
  return null;
}
