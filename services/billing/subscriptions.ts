// The subscription lifecycle a user drives: subscribe, change plan or card, cancel, resume, read invoices.
// The provider does the charging; each answer it gives is written to the mirror in one transaction.
import type { Static } from '@sinclair/typebox';
import { isUniqueViolation } from '../../repositories/accounts.ts';
import {
  accountEmail,
  currentSubscription,
  customerOf,
  insertCustomer,
  invoicePage,
  type SubscriptionRow,
  upsertInvoice,
  upsertSubscription,
} from '../../repositories/subscriptions.ts';
import type { ChangeSubscriptionBody, CheckoutBody, CreateSubscriptionBody, Invoice } from '../../schemas/billing.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { entitlements } from './entitlements.ts';
import { subscriptionView } from './mirror.ts';
import { priceOf, requirePlan } from './plans.ts';
import type { BillingProvider, Interval, SubscriptionResult } from './provider.ts';

export type BillingDeps = Pick<Deps, 'em' | 'config' | 'log'> & { billing: BillingProvider };

async function ensureCustomer(deps: BillingDeps, userId: string): Promise<string> {
  const { em, billing } = deps;
  const known = await customerOf(em, userId, billing.name);
  if (known) return known;
  const email = await accountEmail(em, userId);
  if (email === null) throw new AppError('UNAUTHORIZED', 'The account no longer exists');
  const created = await billing.createCustomer({ userId, email });
  await insertCustomer(em, userId, billing.name, created);
  return (await customerOf(em, userId, billing.name))!;
}

async function record(deps: BillingDeps, userId: string, result: SubscriptionResult): Promise<void> {
  await deps.em.transactional(async (tx) => {
    await upsertSubscription(tx, userId, deps.billing.name, result.subscription);
    if (result.invoice) await upsertInvoice(tx, userId, result.invoice);
  });
}

async function requireLive(deps: BillingDeps, userId: string): Promise<SubscriptionRow> {
  const row = await currentSubscription(deps.em, userId);
  if (!row) throw new AppError('NOT_FOUND', 'You have no subscription');
  return row;
}

async function view(deps: BillingDeps, userId: string) {
  const row = await currentSubscription(deps.em, userId, true);
  return { subscription: row ? subscriptionView(row) : null, entitlements: await entitlements(deps, userId) };
}

export const getCurrent = view;

/** The subscribe body, its interval defaulted by the route. */
export type CreateInput = Static<typeof CreateSubscriptionBody> & { interval: Interval };

const alreadySubscribed = () =>
  new AppError('CONFLICT', 'You already have a subscription: change it with PATCH /subscriptions/current');

export async function subscribe(deps: BillingDeps, userId: string, input: CreateInput) {
  const plan = await requirePlan(deps, input.plan);
  if (await currentSubscription(deps.em, userId)) throw alreadySubscribed();
  const customer = await ensureCustomer(deps, userId);
  await deps.billing.attachPaymentMethod(customer, input.payment_method);
  const result = await deps.billing.createSubscription({
    customer,
    price: priceOf(plan, input.interval),
    trialDays: input.trial_days,
    metadata: { user_id: userId },
  });
  try {
    await record(deps, userId, result);
  } catch (err) {
    // The charge went through but the mirror could not be written: undo at the provider, leave nothing half-made.
    await deps.billing
      .cancelNow(result.subscription.id)
      .catch((e) => deps.log.error({ err: e }, 'compensating cancel failed'));
    // Two subscribe requests at once both pass the check above; the one-live-subscription index stops the
    // second, which is the same conflict the check answers.
    if (isUniqueViolation(err)) throw alreadySubscribed();
    throw err;
  }
  return view(deps, userId);
}

export type ChangeInput = Static<typeof ChangeSubscriptionBody>;

/** Card first (it may settle a past_due invoice), then the plan: upgrades now and prorated, the rest at period end. */
export async function changeSubscription(deps: BillingDeps, userId: string, input: ChangeInput) {
  if (!input.plan && !input.interval && !input.payment_method)
    throw new AppError('INVALID_REQUEST', 'Send plan, interval or payment_method');
  const cur = await requireLive(deps, userId);
  if (input.payment_method) {
    await deps.billing.attachPaymentMethod(cur.provider_customer_id, input.payment_method);
    if (cur.status === 'past_due')
      await record(deps, userId, await deps.billing.retryOpenInvoice(cur.provider_subscription_id));
  }
  if (input.plan || input.interval) {
    const target = await requirePlan(deps, input.plan ?? cur.plan_code);
    const interval = input.interval ?? cur.interval;
    const unchanged = target.code === cur.plan_code && interval === cur.interval;
    if (unchanged && !cur.pending_plan_code) {
      if (!input.payment_method) throw new AppError('CONFLICT', `You are already on ${target.code} (${interval})`);
    } else {
      const from = await requirePlan(deps, cur.plan_code);
      const immediate = !unchanged && (interval !== cur.interval || target.rank > from.rank);
      await record(
        deps,
        userId,
        await deps.billing.changePlan(cur.provider_subscription_id, { price: priceOf(target, interval), immediate }),
      );
    }
  }
  return view(deps, userId);
}

export async function cancelSubscription(deps: BillingDeps, userId: string, immediately: boolean) {
  const cur = await requireLive(deps, userId);
  if (immediately) await record(deps, userId, await deps.billing.cancelNow(cur.provider_subscription_id));
  else if (!cur.cancel_at_period_end)
    await record(deps, userId, await deps.billing.setCancelAtPeriodEnd(cur.provider_subscription_id, true));
  return view(deps, userId);
}

export async function resumeSubscription(deps: BillingDeps, userId: string) {
  const cur = await requireLive(deps, userId);
  if (!cur.cancel_at_period_end) throw new AppError('CONFLICT', 'The subscription is not scheduled to cancel');
  await record(deps, userId, await deps.billing.setCancelAtPeriodEnd(cur.provider_subscription_id, false));
  return view(deps, userId);
}

export async function listInvoices(deps: Pick<Deps, 'em'>, userId: string, page: number, limit: number) {
  const { rows, total } = await invoicePage(deps.em, userId, { limit, offset: (page - 1) * limit });
  const iso = (x: Date | null) => (x == null ? null : x.toISOString());
  const invoices: Static<typeof Invoice>[] = rows.map((r) => ({
    id: r.id,
    number: r.provider_invoice_id,
    amount_due: r.amount_due,
    amount_paid: r.amount_paid,
    currency: r.currency,
    status: r.status,
    billing_reason: r.billing_reason,
    failure_reason: r.failure_reason,
    period_start: iso(r.period_start),
    period_end: iso(r.period_end),
    issued_at: r.issued_at.toISOString(),
  }));
  return { invoices, total };
}

export async function checkoutSession(
  deps: BillingDeps,
  userId: string,
  input: Static<typeof CheckoutBody> & { interval: Interval },
  urls: { successUrl: string; cancelUrl: string },
) {
  const plan = await requirePlan(deps, input.plan);
  if (await currentSubscription(deps.em, userId)) throw new AppError('CONFLICT', 'You already have a subscription');
  const customer = await ensureCustomer(deps, userId);
  return deps.billing.checkoutSession({
    customer,
    price: priceOf(plan, input.interval),
    ...urls,
    metadata: { user_id: userId },
  });
}

export async function portalSession(deps: BillingDeps, userId: string, returnUrl: string) {
  const customer = await customerOf(deps.em, userId, deps.billing.name);
  if (!customer) throw new AppError('NOT_FOUND', 'You have no billing account yet');
  return deps.billing.portalSession({ customer, returnUrl });
}
