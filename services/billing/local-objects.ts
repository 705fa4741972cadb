// The built-in provider's books as Stripe shapes them: its rows turned into Stripe subscription and invoice
// objects, so that the webhook route and the stripe provider read one format.
import { randomBytes } from 'node:crypto';
import type { LocalSubscriptionRow } from '../../repositories/billing-local.ts';
import { lookupKey } from './stripe-objects.ts';

/** A row of billing_local_subscriptions. */
export type Row = LocalSubscriptionRow;

export const sec = (d: Date | null) => (d == null ? null : Math.floor(d.getTime() / 1000));
export const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

export function stripeSubscription(row: Row): Record<string, unknown> {
  const metadata: Record<string, string> = { ...row.metadata };
  const pending = row.pending_plan_code != null;
  if (pending)
    Object.assign(metadata, {
      plan: row.plan_code,
      interval: row.interval,
      pending_plan: row.pending_plan_code,
      pending_interval: row.pending_interval,
      pending_anchor: String(sec(row.current_period_end)),
    });
  const plan = row.pending_plan_code ?? row.plan_code;
  const interval = row.pending_interval ?? row.interval;
  const period = {
    current_period_start: sec(row.current_period_start),
    current_period_end: sec(row.current_period_end),
  };
  return {
    id: row.id,
    object: 'subscription',
    customer: row.customer_id,
    status: row.status,
    livemode: false,
    cancel_at_period_end: row.cancel_at_period_end,
    canceled_at: sec(row.canceled_at),
    ended_at: sec(row.ended_at),
    trial_end: sec(row.trial_end),
    created: sec(row.updated_at),
    metadata,
    items: {
      object: 'list',
      data: [
        {
          id: `si_${row.id.slice(4)}`,
          object: 'subscription_item',
          price: {
            id: `price_${plan}_${interval}`,
            object: 'price',
            lookup_key: lookupKey(plan, interval),
            recurring: { interval },
          },
          ...period,
        },
      ],
    },
    ...period,
  };
}

/** A Stripe invoice for the subscription's current period. */
export const invoice = (
  row: Row,
  amount: number,
  status: 'paid' | 'open',
  reason: string,
  at: Date,
  failure: string | null,
  invoiceId = id('in'),
) => ({
  id: invoiceId,
  object: 'invoice',
  customer: row.customer_id,
  parent: { type: 'subscription_details', subscription_details: { subscription: row.id } },
  amount_due: amount,
  amount_paid: status === 'paid' ? amount : 0,
  currency: 'usd',
  status,
  billing_reason: reason,
  created: sec(at),
  lines: {
    object: 'list',
    data: [{ period: { start: sec(row.current_period_start), end: sec(row.current_period_end) } }],
  },
  metadata: failure ? { failure_reason: failure } : {},
});
