// The stripe provider: the official SDK with STRIPE_SECRET_KEY (STRIPE_API_BASE, when set, becomes the SDK's
// host/port/protocol). Prices are found by lookup key; first payments use error_if_incomplete so a declined
// card leaves no subscription behind; card errors become 402 PAYMENT_FAILED with Stripe's reason.
import Stripe from 'stripe';
import { AppError } from '../errors.ts';
import type { BillingProvider, Interval, SubscriptionResult } from './provider.ts';
import { fromStripeInvoice, fromStripeSubscription, lookupKey } from './stripe-objects.ts';

export interface StripeProviderOptions {
  secretKey: string;
  apiBase?: string;
}

export function stripeClientOptions(apiBase?: string): Record<string, unknown> {
  const base: Record<string, unknown> = { maxNetworkRetries: 2, timeout: 10_000 };
  if (!apiBase) return base;
  const url = new URL(apiBase);
  const protocol = url.protocol.replace(':', '') as 'http' | 'https';
  return { ...base, host: url.hostname, port: Number(url.port || (protocol === 'https' ? 443 : 80)), protocol };
}

// biome-ignore lint/suspicious/noExplicitAny: Stripe's objects are loose JSON read field by field.
type Obj = Record<string, any>;

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err as { type?: string; message?: string; decline_code?: string; code?: string };
    if (e.type === 'StripeCardError')
      throw new AppError('PAYMENT_FAILED', e.message ?? 'The card was declined', {
        decline_code: e.decline_code ?? e.code ?? 'card_declined',
      });
    if (e.type === 'StripeConnectionError' || e.type === 'StripeRateLimitError')
      throw new AppError('SERVICE_UNAVAILABLE', 'The payment provider is unreachable; try again');
    throw err;
  }
}

export function createStripeProvider(options: StripeProviderOptions): BillingProvider & { client: Stripe } {
  const stripe = new Stripe(
    options.secretKey,
    stripeClientOptions(options.apiBase) as ConstructorParameters<typeof Stripe>[1],
  );
  const priceIds = new Map<string, string>();
  const now = () => new Date();
  const stamp = () => new Date(Math.floor(Date.now() / 1000) * 1000);

  async function priceId(plan: string, interval: Interval): Promise<string> {
    const key = lookupKey(plan, interval);
    const known = priceIds.get(key);
    if (known) return known;
    const list = await call(() => stripe.prices.list({ lookup_keys: [key], active: true, limit: 1 }));
    const id = list.data[0]?.id;
    if (!id) throw new AppError('SERVICE_UNAVAILABLE', `No Stripe price has the lookup key ${key}`);
    priceIds.set(key, id);
    return id;
  }

  const result = (sub: Obj): SubscriptionResult => {
    const latest = sub.latest_invoice;
    return {
      subscription: fromStripeSubscription(sub, stamp()),
      invoice: latest && typeof latest === 'object' ? fromStripeInvoice(latest) : null,
    };
  };
  const retrieve = (id: string) =>
    call(() => stripe.subscriptions.retrieve(id, { expand: ['latest_invoice'] })) as Promise<Obj>;

  return {
    name: 'stripe',
    client: stripe,
    now,

    async createCustomer({ userId, email }) {
      const customer = await call(() =>
        stripe.customers.create({ email, metadata: { user_id: userId } }, { idempotencyKey: `customer-${userId}` }),
      );
      return customer.id;
    },

    async attachPaymentMethod(customer, paymentMethod) {
      if (!/^pm_[A-Za-z0-9_]+$/.test(paymentMethod))
        throw new AppError(
          'INVALID_REQUEST',
          'With Stripe, payment_method is a PaymentMethod id (pm_...) from Stripe.js',
        );
      await call(() => stripe.paymentMethods.attach(paymentMethod, { customer }));
      await call(() =>
        stripe.customers.update(customer, { invoice_settings: { default_payment_method: paymentMethod } }),
      );
    },

    async createSubscription({ customer, price, trialDays, metadata }) {
      const priceRef = await priceId(price.code, price.interval);
      const sub = await call(() =>
        stripe.subscriptions.create({
          customer,
          items: [{ price: priceRef }],
          ...(trialDays ? { trial_period_days: trialDays } : {}),
          payment_behavior: 'error_if_incomplete',
          metadata,
          expand: ['latest_invoice'],
        } as Stripe.SubscriptionCreateParams),
      );
      return result(sub as unknown as Obj);
    },

    async changePlan(subscriptionId, { price, immediate }) {
      const cur = await retrieve(subscriptionId);
      const item = cur.items.data[0];
      const snapshot = fromStripeSubscription(cur);
      const newPrice = await priceId(price.code, price.interval);
      const clearPending = { pending_plan: '', pending_interval: '', pending_anchor: '' };
      const params: Obj = immediate
        ? {
            items: [{ id: item.id, price: newPrice }],
            proration_behavior: 'always_invoice',
            payment_behavior: 'error_if_incomplete',
            metadata: { ...clearPending, plan: price.code, interval: price.interval },
          }
        : price.code === snapshot.plan && price.interval === snapshot.interval
          ? { items: [{ id: item.id, price: newPrice }], proration_behavior: 'none', metadata: clearPending }
          : {
              // The price switches now without proration; metadata keeps the plan in force until the period end.
              items: [{ id: item.id, price: newPrice }],
              proration_behavior: 'none',
              metadata: {
                plan: snapshot.plan,
                interval: snapshot.interval,
                pending_plan: price.code,
                pending_interval: price.interval,
                pending_anchor: String(Math.floor(snapshot.current_period_end.getTime() / 1000)),
              },
            };
      const sub = await call(() =>
        stripe.subscriptions.update(subscriptionId, { ...params, expand: ['latest_invoice'] }),
      );
      return result(sub as unknown as Obj);
    },

    async setCancelAtPeriodEnd(subscriptionId, cancel) {
      const sub = await call(() => stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: cancel }));
      return { subscription: fromStripeSubscription(sub as unknown as Obj, stamp()), invoice: null };
    },

    async cancelNow(subscriptionId) {
      const sub = await call(() => stripe.subscriptions.cancel(subscriptionId));
      return { subscription: fromStripeSubscription(sub as unknown as Obj, stamp()), invoice: null };
    },

    async retryOpenInvoice(subscriptionId) {
      const cur = await retrieve(subscriptionId);
      const invoice = cur.latest_invoice;
      if (invoice && invoice.status === 'open') await call(() => stripe.invoices.pay(invoice.id));
      return result(await retrieve(subscriptionId));
    },

    async checkoutSession({ customer, price, successUrl, cancelUrl, metadata }) {
      const priceRef = await priceId(price.code, price.interval);
      const session = await call(() =>
        stripe.checkout.sessions.create({
          mode: 'subscription',
          customer,
          line_items: [{ price: priceRef, quantity: 1 }],
          success_url: successUrl,
          cancel_url: cancelUrl,
          subscription_data: { metadata },
          metadata,
        }),
      );
      return { id: session.id, url: session.url ?? '' };
    },

    async portalSession({ customer, returnUrl }) {
      const session = await call(() => stripe.billingPortal.sessions.create({ customer, return_url: returnUrl }));
      return { id: session.id, url: session.url };
    },
  };
}
