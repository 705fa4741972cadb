// Reading Stripe-shaped subscription and invoice objects (from the API or a webhook event) into the
// provider-neutral snapshots, and the price lookup keys that name a plan and interval.
import type { Interval, ProviderInvoice, ProviderSubscription, SubscriptionStatus } from './provider.ts';

/** Prices are found by lookup key `cinemate_<plan>_<interval>` (create them so in the Stripe dashboard). */
export const lookupKey = (plan: string, interval: Interval): string => `cinemate_${plan}_${interval}`;

export function parseLookupKey(key: string | null | undefined): { plan: string; interval: Interval } | null {
  const match = /^cinemate_([a-z0-9-]+)_(month|year)$/.exec(key ?? '');
  return match ? { plan: match[1], interval: match[2] as Interval } : null;
}

// biome-ignore lint/suspicious/noExplicitAny: Stripe's objects are loose JSON read field by field.
type Obj = Record<string, any>;

const date = (seconds: unknown): Date | null =>
  typeof seconds === 'number' && seconds > 0 ? new Date(seconds * 1000) : null;
const STATUSES: ReadonlySet<string> = new Set(['trialing', 'active', 'past_due', 'canceled', 'incomplete']);

function mapStatus(status: string): SubscriptionStatus {
  if (STATUSES.has(status)) return status as SubscriptionStatus;
  if (status === 'incomplete_expired') return 'canceled';
  if (status === 'unpaid') return 'past_due';
  return 'incomplete'; // paused and anything newer: no access until the provider says otherwise
}

/**
 * A Stripe subscription object → snapshot. A scheduled downgrade is carried in metadata
 * (`plan`, `pending_plan`, `pending_interval`, `pending_anchor`): until the period that starts at the
 * anchor, the plan in force is the one before the change even though the price already shows the new one.
 */
export function fromStripeSubscription(sub: Obj, stateAt?: Date): ProviderSubscription {
  const item = sub.items?.data?.[0] ?? {};
  const price = item.price ?? sub.plan ?? {};
  const meta: Record<string, string> = { ...(sub.metadata ?? {}) };
  const fromPrice = parseLookupKey(price.lookup_key) ?? {
    plan: meta.plan ?? 'basic',
    interval: (price.recurring?.interval ?? 'month') as Interval,
  };
  const periodStart =
    date(item.current_period_start ?? sub.current_period_start) ?? date(sub.start_date) ?? new Date(0);
  const periodEnd = date(item.current_period_end ?? sub.current_period_end) ?? periodStart;
  const anchor = Number(meta.pending_anchor ?? 0);
  const pending = Boolean(meta.pending_plan) && periodStart.getTime() < anchor * 1000;
  return {
    id: String(sub.id),
    customer: typeof sub.customer === 'string' ? sub.customer : String(sub.customer?.id),
    status: mapStatus(String(sub.status)),
    plan: pending ? meta.plan : fromPrice.plan,
    interval: pending ? ((meta.interval as Interval) ?? fromPrice.interval) : fromPrice.interval,
    current_period_start: periodStart,
    current_period_end: periodEnd,
    cancel_at_period_end: Boolean(sub.cancel_at_period_end),
    trial_end: date(sub.trial_end),
    canceled_at: date(sub.canceled_at),
    ended_at: date(sub.ended_at),
    pending_plan: pending ? meta.pending_plan : null,
    pending_interval: pending ? ((meta.pending_interval as Interval) ?? fromPrice.interval) : null,
    state_at: stateAt ?? new Date(Math.floor(Date.now() / 1000) * 1000),
    metadata: meta,
  };
}

export function fromStripeInvoice(inv: Obj): ProviderInvoice {
  const subscription = inv.subscription ?? inv.parent?.subscription_details?.subscription ?? null;
  const line = inv.lines?.data?.[0]?.period ?? {};
  return {
    id: String(inv.id),
    customer: typeof inv.customer === 'string' ? inv.customer : String(inv.customer?.id),
    subscription:
      subscription == null ? null : typeof subscription === 'string' ? subscription : String(subscription.id),
    amount_due: Number(inv.amount_due ?? 0),
    amount_paid: Number(inv.amount_paid ?? 0),
    currency: String(inv.currency ?? 'usd'),
    status: (['draft', 'open', 'paid', 'void', 'uncollectible'].includes(inv.status)
      ? inv.status
      : 'open') as ProviderInvoice['status'],
    billing_reason: String(inv.billing_reason ?? 'manual'),
    failure_reason: inv.metadata?.failure_reason ?? inv.last_finalization_error?.message ?? null,
    period_start: date(line.start ?? inv.period_start),
    period_end: date(line.end ?? inv.period_end),
    created: date(inv.created) ?? new Date(),
  };
}
