// The app's mirror of the provider's books: billing customers, subscriptions and invoices (written from API
// answers and webhook events alike, never backwards), and the provider events already applied.
import { type Selectable, sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import type { INTERVALS, INVOICE_STATUSES, SUBSCRIPTION_STATUSES } from '../entities/billing/subscription.ts';
import { type DB, tdb, toCount } from './db.ts';

/** A provider's subscription snapshot (Stripe-shaped, normalised), as the mirror stores it. */
export interface ProviderSubscription {
  id: string;
  customer: string;
  status: (typeof SUBSCRIPTION_STATUSES)[number];
  plan: string;
  interval: (typeof INTERVALS)[number];
  current_period_start: Date;
  current_period_end: Date;
  cancel_at_period_end: boolean;
  trial_end: Date | null;
  canceled_at: Date | null;
  ended_at: Date | null;
  /** A downgrade or interval change waiting for the period end. */
  pending_plan: string | null;
  pending_interval: (typeof INTERVALS)[number] | null;
  /** When the provider produced this state (orders snapshots; seconds precision like Stripe's). */
  state_at: Date;
  metadata: Record<string, string>;
}

/** A provider's invoice, as the mirror stores it. */
export interface ProviderInvoice {
  id: string;
  customer: string;
  subscription: string | null;
  amount_due: number;
  amount_paid: number;
  currency: string;
  status: (typeof INVOICE_STATUSES)[number];
  billing_reason: string;
  failure_reason: string | null;
  period_start: Date | null;
  period_end: Date | null;
  created: Date;
}

export type SubscriptionRow = Selectable<DB['subscriptions']>;

/** The statuses of a live subscription (one per account: subscriptions_one_live_uq). */
export const LIVE = ['trialing', 'active', 'past_due'] as const;

export async function customerOf(em: Em, userId: string, provider: string): Promise<string | null> {
  const row = await tdb(em)
    .selectFrom('billing_customers')
    .select('customer_id')
    .where('user_id', '=', userId)
    .where('provider', '=', provider)
    .executeTakeFirst();
  return row?.customer_id ?? null;
}

export async function userOfCustomer(em: Em, provider: string, customer: string): Promise<string | null> {
  const row = await tdb(em)
    .selectFrom('billing_customers')
    .select('user_id')
    .where('provider', '=', provider)
    .where('customer_id', '=', customer)
    .executeTakeFirst();
  return row?.user_id ?? null;
}

/** Records the provider's customer of an account; a concurrent first write wins and this one is dropped. */
export async function insertCustomer(em: Em, userId: string, provider: string, customer: string): Promise<void> {
  await tdb(em)
    .insertInto('billing_customers')
    .values({ user_id: userId, provider, customer_id: customer })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The address a new provider customer is created with; null when the account is gone. */
export async function accountEmail(em: Em, userId: string): Promise<string | null> {
  const row = await tdb(em).selectFrom('users').select('email_address').where('id', '=', userId).executeTakeFirst();
  return row?.email_address ?? null;
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
  const rows = await tdb(em)
    .insertInto('subscriptions')
    .values({
      id: crypto.randomUUID(),
      user_id: userId,
      provider,
      provider_subscription_id: s.id,
      provider_customer_id: s.customer,
      plan_code: s.plan,
      interval: s.interval,
      status: s.status,
      current_period_start: s.current_period_start,
      current_period_end: s.current_period_end,
      cancel_at_period_end: s.cancel_at_period_end,
      trial_end: s.trial_end,
      canceled_at: s.canceled_at,
      ended_at: s.ended_at,
      pending_plan_code: s.pending_plan,
      pending_interval: s.pending_interval,
      state_at: s.state_at,
    })
    .onConflict((oc) =>
      oc
        .column('provider_subscription_id')
        .doUpdateSet((eb) => ({
          plan_code: eb.ref('excluded.plan_code'),
          interval: eb.ref('excluded.interval'),
          status: eb.ref('excluded.status'),
          current_period_start: eb.ref('excluded.current_period_start'),
          current_period_end: eb.ref('excluded.current_period_end'),
          cancel_at_period_end: eb.ref('excluded.cancel_at_period_end'),
          trial_end: eb.ref('excluded.trial_end'),
          canceled_at: eb.ref('excluded.canceled_at'),
          ended_at: eb.ref('excluded.ended_at'),
          pending_plan_code: eb.ref('excluded.pending_plan_code'),
          pending_interval: eb.ref('excluded.pending_interval'),
          state_at: eb.ref('excluded.state_at'),
          updated_at: sql<Date>`now()`,
        }))
        .where('subscriptions.status', '<>', 'canceled')
        .where((eb) =>
          fromEvent
            ? eb.or([
                eb('subscriptions.state_at', '<', eb.ref('excluded.state_at')),
                eb('subscriptions.current_period_start', '<', eb.ref('excluded.current_period_start')),
              ])
            : eb('subscriptions.state_at', '<=', eb.ref('excluded.state_at')),
        )
        .where((eb) => eb('subscriptions.current_period_start', '<=', eb.ref('excluded.current_period_start'))),
    )
    .returning('id')
    .execute();
  return rows.length > 0;
}

/** Whether the account has a live subscription other than the provider's subscription id. */
export async function otherLiveSubscription(em: Em, userId: string, providerSubscriptionId: string): Promise<boolean> {
  const row = await tdb(em)
    .selectFrom('subscriptions')
    .select('id')
    .where('user_id', '=', userId)
    .where('status', 'in', [...LIVE])
    .where('provider_subscription_id', '<>', providerSubscriptionId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Invoices move forward only: a paid or void invoice is never reopened by a late failure event. */
export async function upsertInvoice(em: Em, userId: string, inv: ProviderInvoice): Promise<boolean> {
  const rows = await tdb(em)
    .insertInto('invoices')
    .values({
      id: crypto.randomUUID(),
      user_id: userId,
      provider_invoice_id: inv.id,
      provider_subscription_id: inv.subscription,
      amount_due: inv.amount_due,
      amount_paid: inv.amount_paid,
      currency: inv.currency,
      status: inv.status,
      billing_reason: inv.billing_reason,
      failure_reason: inv.failure_reason,
      period_start: inv.period_start,
      period_end: inv.period_end,
      issued_at: inv.created,
    })
    .onConflict((oc) =>
      oc
        .column('provider_invoice_id')
        .doUpdateSet((eb) => ({
          amount_paid: eb.ref('excluded.amount_paid'),
          status: eb.ref('excluded.status'),
          failure_reason: eb.ref('excluded.failure_reason'),
          updated_at: sql<Date>`now()`,
        }))
        .where('invoices.status', 'not in', ['paid', 'void']),
    )
    .returning('id')
    .execute();
  return rows.length > 0;
}

/** The live subscription (or the latest ended one when allowEnded). */
export async function currentSubscription(em: Em, userId: string, allowEnded = false): Promise<SubscriptionRow | null> {
  let query = tdb(em).selectFrom('subscriptions').selectAll().where('user_id', '=', userId);
  if (!allowEnded) query = query.where('status', '<>', 'canceled');
  const row = await query
    .orderBy(sql`status <> 'canceled'`, 'desc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

/** The subscription entitlements are read from: a live one first, else the latest. */
export async function entitlingSubscription(
  em: Em,
  userId: string,
): Promise<Pick<SubscriptionRow, 'plan_code' | 'status'> | null> {
  const row = await tdb(em)
    .selectFrom('subscriptions')
    .select(['plan_code', 'status'])
    .where('user_id', '=', userId)
    .orderBy((eb) => eb('status', 'in', LIVE), 'desc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

/** The plan code of the account's live (trialing, active or past due) subscription; null without one. */
export async function livePlanCode(em: Em, userId: string): Promise<string | null> {
  const row = await entitlingSubscription(em, userId);
  return row && (LIVE as readonly string[]).includes(row.status) ? row.plan_code : null;
}

const INVOICE_COLUMNS = [
  'id',
  'provider_invoice_id',
  'amount_due',
  'amount_paid',
  'currency',
  'status',
  'billing_reason',
  'failure_reason',
  'period_start',
  'period_end',
  'issued_at',
] as const;

export type InvoiceRow = Pick<Selectable<DB['invoices']>, (typeof INVOICE_COLUMNS)[number]>;

/** A page of an account's invoices, newest first, and how many it has. */
export async function invoicePage(
  em: Em,
  userId: string,
  page: { limit: number; offset: number },
): Promise<{ rows: InvoiceRow[]; total: number }> {
  const k = tdb(em);
  const count = await k
    .selectFrom('invoices')
    .select((eb) => eb.fn.countAll().as('total'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  const rows = await k
    .selectFrom('invoices')
    .select(INVOICE_COLUMNS)
    .where('user_id', '=', userId)
    .orderBy('issued_at', 'desc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { rows, total: toCount(count.total as string | number) };
}

/** Records a provider event id; false when it was recorded before (a replay). */
export async function recordEvent(em: Em, event: { id: string; type: string; created: Date }): Promise<boolean> {
  const rows = await tdb(em)
    .insertInto('billing_events')
    .values({ id: event.id, type: event.type, event_created: event.created })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  return rows.length > 0;
}
