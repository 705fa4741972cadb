// The subscription mirror as the API shows it: a stored row (repositories/subscriptions.ts) turned into the
// Subscription schema's shape, a waiting downgrade included.
import type { Static } from '@sinclair/typebox';
import type { SubscriptionRow } from '../../repositories/subscriptions.ts';
import type { Subscription } from '../../schemas/billing.ts';

export type SubscriptionView = Static<typeof Subscription>;

const iso = (x: Date | null) => (x == null ? null : x.toISOString());

export function subscriptionView(row: SubscriptionRow): SubscriptionView {
  return {
    id: row.id,
    plan: row.plan_code,
    interval: row.interval,
    status: row.status,
    provider: row.provider,
    current_period_start: row.current_period_start.toISOString(),
    current_period_end: row.current_period_end.toISOString(),
    cancel_at_period_end: row.cancel_at_period_end,
    trial_end: iso(row.trial_end),
    canceled_at: iso(row.canceled_at),
    ended_at: iso(row.ended_at),
    pending_change: row.pending_plan_code
      ? {
          plan: row.pending_plan_code,
          interval: row.pending_interval ?? row.interval,
          effective_at: row.current_period_end.toISOString(),
        }
      : null,
    created_at: row.created_at.toISOString(),
  };
}
