// The app's mirror of the provider's books: subscriptions and invoices written from API answers and webhook
// events alike, in the order of the objects' own state (never backwards, never out of canceled).
import type { Em } from '../db/orm.ts';
import type { ProviderInvoice, ProviderSubscription } from './provider.ts';

export interface SubscriptionRow {
  id: string;
  user_id: string;
  provider: string;
  provider_subscription_id: string;
  provider_customer_id: string;
  plan_code: string;
  interval: 'month' | 'year';
  status: ProviderSubscription['status'];
  current_period_start: string;
  current_period_end: string;
  cancel_at_period_end: boolean;
  trial_end: string | null;
  canceled_at: string | null;
  ended_at: string | null;
  pending_plan_code: string | null;
  pending_interval: string | null;
  created_at: string;
}

export async function customerOf(em: Em, userId: string, provider: string): Promise<string | null> {
  const rows = await em.execute<{ customer_id: string }[]>(
    'select customer_id from billing_customers where user_id = ? and provider = ?',
    [userId, provider],
  );
  return rows[0]?.customer_id ?? null;
}

export async function userOfCustomer(em: Em, provider: string, customer: string): Promise<string | null> {
  const rows = await em.execute<{ user_id: string }[]>(
    'select user_id from billing_customers where provider = ? and customer_id = ?',
    [provider, customer],
  );
  return rows[0]?.user_id ?? null;
}

/**
 * Writes a snapshot unless the stored one is newer: a canceled subscription is final, and a snapshot
 * older (state_at) or from an earlier period (current_period_start) than the stored one is ignored.
 * Event timestamps have whole-second precision, so a webhook (`fromEvent`) must be strictly newer, or open
 * a later period, to win over a state of the same second: an API answer already wrote the latest one.
 * Returns whether it was applied.
 */
export async function upsertSubscription(
  em: Em,
  userId: string,
  provider: string,
  s: ProviderSubscription,
  fromEvent = false,
): Promise<boolean> {
  const newer = fromEvent
    ? '(subscriptions.state_at < excluded.state_at or subscriptions.current_period_start < excluded.current_period_start)'
    : 'subscriptions.state_at <= excluded.state_at';
  const rows = await em.execute<{ id: string }[]>(
    `insert into subscriptions (id, user_id, provider, provider_subscription_id, provider_customer_id, plan_code, interval, status,
       current_period_start, current_period_end, cancel_at_period_end, trial_end, canceled_at, ended_at, pending_plan_code, pending_interval, state_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (provider_subscription_id) do update set
       plan_code = excluded.plan_code, interval = excluded.interval, status = excluded.status,
       current_period_start = excluded.current_period_start, current_period_end = excluded.current_period_end,
       cancel_at_period_end = excluded.cancel_at_period_end, trial_end = excluded.trial_end, canceled_at = excluded.canceled_at,
       ended_at = excluded.ended_at, pending_plan_code = excluded.pending_plan_code, pending_interval = excluded.pending_interval,
       state_at = excluded.state_at, updated_at = now()
     where subscriptions.status <> 'canceled'
       and ${newer}
       and subscriptions.current_period_start <= excluded.current_period_start
     returning id`,
    [
      crypto.randomUUID(),
      userId,
      provider,
      s.id,
      s.customer,
      s.plan,
      s.interval,
      s.status,
      s.current_period_start,
      s.current_period_end,
      s.cancel_at_period_end,
      s.trial_end,
      s.canceled_at,
      s.ended_at,
      s.pending_plan,
      s.pending_interval,
      s.state_at,
    ],
  );
  return rows.length > 0;
}

/** Invoices move forward only: a paid or void invoice is never reopened by a late failure event. */
export async function upsertInvoice(em: Em, userId: string, inv: ProviderInvoice): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(
    `insert into invoices (id, user_id, provider_invoice_id, provider_subscription_id, amount_due, amount_paid, currency, status,
       billing_reason, failure_reason, period_start, period_end, issued_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (provider_invoice_id) do update set
       amount_paid = excluded.amount_paid, status = excluded.status, failure_reason = excluded.failure_reason, updated_at = now()
     where invoices.status not in ('paid', 'void')
     returning id`,
    [
      crypto.randomUUID(),
      userId,
      inv.id,
      inv.subscription,
      inv.amount_due,
      inv.amount_paid,
      inv.currency,
      inv.status,
      inv.billing_reason,
      inv.failure_reason,
      inv.period_start,
      inv.period_end,
      inv.created,
    ],
  );
  return rows.length > 0;
}

/** The live subscription (or the latest ended one when allowEnded). */
export async function currentRow(em: Em, userId: string, allowEnded = false): Promise<SubscriptionRow | null> {
  const rows = await em.execute<SubscriptionRow[]>(
    `select * from subscriptions where user_id = ? ${allowEnded ? '' : `and status <> 'canceled'`}
     order by (status <> 'canceled') desc, created_at desc limit 1`,
    [userId],
  );
  return rows[0] ?? null;
}

const iso = (x: string | null) => (x == null ? null : new Date(x).toISOString());

export function subscriptionView(row: SubscriptionRow) {
  return {
    id: row.id,
    plan: row.plan_code,
    interval: row.interval,
    status: row.status,
    provider: row.provider,
    current_period_start: iso(row.current_period_start)!,
    current_period_end: iso(row.current_period_end)!,
    cancel_at_period_end: row.cancel_at_period_end,
    trial_end: iso(row.trial_end),
    canceled_at: iso(row.canceled_at),
    ended_at: iso(row.ended_at),
    pending_change: row.pending_plan_code
      ? {
          plan: row.pending_plan_code,
          interval: row.pending_interval ?? row.interval,
          effective_at: iso(row.current_period_end)!,
        }
      : null,
    created_at: iso(row.created_at)!,
  };
}

export type SubscriptionView = ReturnType<typeof subscriptionView>;
