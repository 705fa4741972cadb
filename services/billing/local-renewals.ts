// The built-in provider's renewal step for one due subscription: a scheduled cancel, a payment retry of a
// past_due invoice (canceling after the last one), or the next period's charge; returns the events to emit.
import { localCard, updateLocalSubscription, type LocalSubscriptionChanges } from '../../repositories/billing-local.ts';
import type { Em } from '../db/orm.ts';
import { cardOutcome } from './local-cards.ts';
import { id, invoice, stripeSubscription, type Row } from './local-objects.ts';
import type { Interval, PlanPrice } from './provider.ts';

/** A webhook event the provider will deliver once its change is committed. */
export interface LocalEvent {
  type: string;
  object: Record<string, unknown>;
  at: Date;
}

/** The price of a plan, read in the caller's transaction. */
export type PriceOf = (em: Em, plan: string, interval: Interval) => Promise<PlanPrice>;

export const DAY = 86_400_000;
const RETRY_EVERY_DAYS = 3;
const MAX_RETRIES = 3;
export const addInterval = (from: Date, interval: Interval) => {
  const d = new Date(from);
  if (interval === 'year') d.setUTCFullYear(d.getUTCFullYear() + 1);
  else d.setUTCMonth(d.getUTCMonth() + 1);
  return d;
};

/** Charges the customer's default card; the decline reason, or null when paid. */
export const charge = (card: string | null, amount: number): string | null => {
  if (amount <= 0) return null;
  if (!card) return 'The customer has no payment method.';
  return cardOutcome(card).declineOnCharge;
};

export async function renewOne(em: Em, row: Row, at: Date, price: PriceOf): Promise<LocalEvent[]> {
  const events: LocalEvent[] = [];
  if (row.status !== 'past_due' && row.cancel_at_period_end) {
    const done = await updateLocalSubscription(em, row.id, { status: 'canceled', canceled_at: at, ended_at: at }, at);
    events.push({ type: 'customer.subscription.deleted', object: stripeSubscription(done), at });
    return events;
  }
  const card = await localCard(em, row.customer_id);
  if (row.status === 'past_due') {
    const failure = charge(card, row.open_invoice_amount ?? 0);
    if (!failure) {
      const done = await updateLocalSubscription(
        em,
        row.id,
        { status: 'active', open_invoice_id: null, open_invoice_amount: null, retry_count: 0, next_retry_at: null },
        at,
      );
      events.push({
        type: 'invoice.paid',
        object: invoice(
          done,
          row.open_invoice_amount ?? 0,
          'paid',
          'subscription_cycle',
          at,
          null,
          row.open_invoice_id!,
        ),
        at,
      });
      events.push({ type: 'customer.subscription.updated', object: stripeSubscription(done), at });
      return events;
    }
    const retries = row.retry_count + 1;
    events.push({
      type: 'invoice.payment_failed',
      object: invoice(
        row,
        row.open_invoice_amount ?? 0,
        'open',
        'subscription_cycle',
        at,
        failure,
        row.open_invoice_id!,
      ),
      at,
    });
    const done =
      retries >= MAX_RETRIES
        ? await updateLocalSubscription(
            em,
            row.id,
            { status: 'canceled', canceled_at: at, ended_at: at, retry_count: retries, next_retry_at: null },
            at,
          )
        : await updateLocalSubscription(
            em,
            row.id,
            { retry_count: retries, next_retry_at: new Date(at.getTime() + RETRY_EVERY_DAYS * DAY) },
            at,
          );
    events.push({
      type: done.status === 'canceled' ? 'customer.subscription.deleted' : 'customer.subscription.updated',
      object: stripeSubscription(done),
      at,
    });
    return events;
  }
  const plan = row.pending_plan_code ?? row.plan_code;
  const interval = row.pending_interval ?? row.interval;
  const start = row.current_period_end;
  const due = await price(em, plan, interval);
  const failure = charge(card, due.amount);
  const invoiceId = id('in');
  const fields: LocalSubscriptionChanges = {
    plan_code: plan,
    interval,
    pending_plan_code: null,
    pending_interval: null,
    current_period_start: start,
    current_period_end: addInterval(start, interval),
  };
  const done = failure
    ? await updateLocalSubscription(
        em,
        row.id,
        {
          ...fields,
          status: 'past_due',
          open_invoice_id: invoiceId,
          open_invoice_amount: due.amount,
          retry_count: 0,
          next_retry_at: new Date(at.getTime() + RETRY_EVERY_DAYS * DAY),
        },
        at,
      )
    : await updateLocalSubscription(em, row.id, { ...fields, status: 'active' }, at);
  events.push({
    type: failure ? 'invoice.payment_failed' : 'invoice.paid',
    object: invoice(done, due.amount, failure ? 'open' : 'paid', 'subscription_cycle', at, failure, invoiceId),
    at,
  });
  events.push({ type: 'customer.subscription.updated', object: stripeSubscription(done), at });
  return events;
}
