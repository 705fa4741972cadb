// The built-in provider: Stripe's subscription semantics on the app's own database (its books live in
// billing_local_*), test cards like Stripe's, a clock tests can advance, and webhook events signed exactly
// like Stripe's, delivered in order to the same webhook route the stripe provider uses.
import Stripe from 'stripe';
import {
  dueLocalSubscriptions,
  insertLocalCustomer,
  insertLocalSubscription,
  type LocalSubscriptionChanges,
  localCard,
  localSubscription,
  setLocalCard,
  updateLocalSubscription,
} from '../../repositories/billing-local.ts';
import type { Clock } from '../clock.ts';
import type { Em } from '../db/orm.ts';
import type { Logger } from '../deps.ts';
import { AppError } from '../errors.ts';
import { cardOutcome, resolveCard } from './local-cards.ts';
import type { BillingProvider, SubscriptionResult } from './provider.ts';
import { fromStripeInvoice, fromStripeSubscription } from './stripe-objects.ts';
import { id, invoice, sec, stripeSubscription, type Row } from './local-objects.ts';
import { addInterval, charge, DAY, type LocalEvent, type PriceOf, renewOne } from './local-renewals.ts';

export interface LocalProviderOptions {
  em: () => Em;
  webhookSecret: string;
  /** Posts a signed event to the webhook route; throws when it was not accepted. */
  deliver: (payload: string, signature: string) => Promise<void>;
  /** The price of a plan, read with the given entity manager (the caller's transaction). */
  price: PriceOf;
  log: Logger;
  /** The app's clock; the provider's own runs ahead of it by what advance() added. */
  clock: Clock;
}

export interface LocalProvider extends BillingProvider {
  clock: { now(): Date; advance(days: number): Promise<void> };
  /** Runs every renewal, payment retry and scheduled cancel due by now (the provider clock). */
  runRenewals(now?: Date): Promise<number>;
  /** Resolves once every emitted webhook event has been delivered. */
  settle(): Promise<void>;
}

export function createLocalProvider(options: LocalProviderOptions): LocalProvider {
  let offset = 0;
  const now = () => new Date(options.clock.now().getTime() + offset);
  let queue: Promise<void> = Promise.resolve();

  /** Queues events for delivery after the change that made them is committed, in order. */
  function emit(events: LocalEvent[]) {
    for (const e of events) {
      const payload = JSON.stringify({
        id: id('evt'),
        object: 'event',
        api_version: '2025-09-30.clover',
        created: sec(e.at),
        livemode: false,
        pending_webhooks: 1,
        type: e.type,
        data: { object: e.object },
      });
      queue = queue.then(async () => {
        for (let attempt = 1; ; attempt++) {
          // Signed at delivery time with the real clock: the signature tolerance is about transport, not billing time.
          const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.webhookSecret });
          try {
            return await options.deliver(payload, signature);
          } catch (err) {
            if (attempt >= 3) return options.log.error({ err, type: e.type }, 'local billing webhook not accepted');
          }
        }
      });
    }
  }

  const load = async (em: Em, subId: string, lock = true) => {
    const row = await localSubscription(em, subId, lock);
    if (!row) throw new AppError('NOT_FOUND', 'Subscription not found at the provider');
    return row;
  };
  const cardOf = localCard;
  const update = updateLocalSubscription;
  const result = (row: Row, inv: Record<string, unknown> | null): SubscriptionResult => ({
    subscription: fromStripeSubscription(stripeSubscription(row), new Date(sec(row.updated_at)! * 1000)),
    invoice: inv ? fromStripeInvoice(inv) : null,
  });
  const declined = (reason: string) =>
    new AppError('PAYMENT_FAILED', reason, {
      decline_code: reason.includes('insufficient') ? 'insufficient_funds' : 'card_declined',
    });

  async function runRenewals(until = now()): Promise<number> {
    let processed = 0;
    // Each pass handles what was due; a long clock jump takes several passes (one renewal each).
    for (let pass = 0; pass < 500; pass++) {
      const events = await options.em().transactional(async (tx) => {
        const due = await dueLocalSubscriptions(tx as Em, until, 50);
        const out = [];
        for (const row of due) out.push(...(await renewOne(tx as Em, row, row.due_at, options.price)));
        processed += due.length;
        return out;
      });
      if (events.length === 0) break;
      emit(events);
    }
    await queue;
    return processed;
  }

  return {
    name: 'local',
    now,
    clock: {
      now,
      async advance(days: number) {
        offset += days * DAY;
        await runRenewals(now());
      },
    },
    runRenewals,
    settle: async () => {
      await queue;
    },

    async createCustomer({ userId, email }) {
      const customer = id('cus');
      await insertLocalCustomer(options.em(), customer, email, now());
      options.log.info({ customer, user_id: userId }, 'local billing customer created');
      return customer;
    },

    async attachPaymentMethod(customer, paymentMethod) {
      const card = resolveCard(paymentMethod);
      const failure = cardOutcome(card).declineOnAttach;
      if (failure) throw declined(failure);
      await setLocalCard(options.em(), customer, card);
    },

    async createSubscription({ customer, price, trialDays, metadata }) {
      const at = new Date(sec(now())! * 1000);
      const { row, inv } = await options.em().transactional(async (tx) => {
        const trial = (trialDays ?? 0) > 0;
        const end = trial ? new Date(at.getTime() + trialDays! * DAY) : addInterval(at, price.interval);
        const amount = trial ? 0 : price.amount;
        const failure = charge(await cardOf(tx as Em, customer), amount);
        // error_if_incomplete: a declined first payment leaves no subscription behind.
        if (failure) throw declined(failure);
        const subId = id('sub');
        await insertLocalSubscription(tx as Em, {
          id: subId,
          customer_id: customer,
          plan_code: price.code,
          interval: price.interval,
          status: trial ? 'trialing' : 'active',
          current_period_start: at,
          current_period_end: end,
          trial_end: trial ? end : null,
          metadata,
          created_at: at,
          updated_at: at,
        });
        const row = await load(tx as Em, subId, false);
        return { row, inv: invoice(row, amount, 'paid', 'subscription_create', at, null) };
      });
      emit([
        { type: 'customer.subscription.created', object: stripeSubscription(row), at },
        { type: 'invoice.paid', object: inv, at },
      ]);
      return result(row, inv);
    },

    async changePlan(subId, { price, immediate }) {
      const at = new Date(sec(now())! * 1000);
      const { row, inv } = await options.em().transactional(async (tx) => {
        const cur = await load(tx as Em, subId);
        if (cur.status === 'canceled') throw new AppError('CONFLICT', 'The subscription has ended');
        if (!immediate) {
          // Asking for the plan already in force withdraws a scheduled change.
          const same = price.code === cur.plan_code && price.interval === cur.interval;
          return {
            row: await update(
              tx as Em,
              subId,
              { pending_plan_code: same ? null : price.code, pending_interval: same ? null : price.interval },
              at,
            ),
            inv: null,
          };
        }
        const fields: LocalSubscriptionChanges = {
          plan_code: price.code,
          interval: price.interval,
          pending_plan_code: null,
          pending_interval: null,
        };
        if (cur.status === 'trialing') return { row: await update(tx as Em, subId, fields, at), inv: null };
        const start = cur.current_period_start.getTime();
        const end = cur.current_period_end.getTime();
        const unused = Math.max(0, Math.min(1, (end - at.getTime()) / Math.max(1, end - start)));
        const old = (await options.price(tx as Em, cur.plan_code, cur.interval)).amount;
        // Same interval: the difference for the rest of the period. New interval: a new period, less the unused time.
        const sameInterval = price.interval === cur.interval;
        const amount = Math.max(
          0,
          Math.round(sameInterval ? (price.amount - old) * unused : price.amount - old * unused),
        );
        if (!sameInterval)
          Object.assign(fields, { current_period_start: at, current_period_end: addInterval(at, price.interval) });
        const failure = charge(await cardOf(tx as Em, cur.customer_id), amount);
        if (failure) throw declined(failure);
        const row = await update(tx as Em, subId, fields, at);
        return { row, inv: invoice(row, amount, 'paid', 'subscription_update', at, null) };
      });
      emit([
        { type: 'customer.subscription.updated', object: stripeSubscription(row), at },
        ...(inv ? [{ type: 'invoice.paid', object: inv, at }] : []),
      ]);
      return result(row, inv);
    },

    async setCancelAtPeriodEnd(subId, cancel) {
      const at = new Date(sec(now())! * 1000);
      const row = await options.em().transactional(async (tx) => {
        const cur = await load(tx as Em, subId);
        if (cur.status === 'canceled') throw new AppError('CONFLICT', 'The subscription has ended');
        return update(tx as Em, subId, { cancel_at_period_end: cancel }, at);
      });
      emit([{ type: 'customer.subscription.updated', object: stripeSubscription(row), at }]);
      return result(row, null);
    },

    async cancelNow(subId) {
      const at = new Date(sec(now())! * 1000);
      const row = await options.em().transactional(async (tx) => {
        const cur = await load(tx as Em, subId);
        if (cur.status === 'canceled') return cur;
        return update(tx as Em, subId, { status: 'canceled', canceled_at: at, ended_at: at, next_retry_at: null }, at);
      });
      emit([{ type: 'customer.subscription.deleted', object: stripeSubscription(row), at }]);
      return result(row, null);
    },

    async retryOpenInvoice(subId) {
      const at = new Date(sec(now())! * 1000);
      const { row, inv } = await options.em().transactional(async (tx) => {
        const cur = await load(tx as Em, subId);
        if (cur.status !== 'past_due' || !cur.open_invoice_id) return { row: cur, inv: null };
        const failure = charge(await cardOf(tx as Em, cur.customer_id), cur.open_invoice_amount ?? 0);
        if (failure) throw declined(failure);
        const row = await update(
          tx as Em,
          subId,
          { status: 'active', open_invoice_id: null, open_invoice_amount: null, retry_count: 0, next_retry_at: null },
          at,
        );
        return {
          row,
          inv: invoice(row, cur.open_invoice_amount ?? 0, 'paid', 'subscription_cycle', at, null, cur.open_invoice_id),
        };
      });
      if (inv)
        emit([
          { type: 'invoice.paid', object: inv, at },
          { type: 'customer.subscription.updated', object: stripeSubscription(row), at },
        ]);
      return result(row, inv);
    },

    async checkoutSession() {
      throw new AppError(
        'UNPROCESSABLE',
        'The built-in provider has no hosted checkout: subscribe with POST /subscriptions',
      );
    },
    async portalSession() {
      throw new AppError(
        'UNPROCESSABLE',
        'The built-in provider has no customer portal: use the /subscriptions endpoints',
      );
    },
  };
}
