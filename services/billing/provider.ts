// The billing provider boundary: what the subscription service asks of Stripe or the built-in provider,
// and the provider-neutral snapshots (Stripe-shaped, normalised) that both hand back.
import type { INTERVALS, SUBSCRIPTION_STATUSES } from '../../entities/billing/subscription.ts';

export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export type Interval = (typeof INTERVALS)[number];
// The snapshots are stored as they come, so their shape lives with the repository that stores them.
export type { ProviderInvoice, ProviderSubscription } from '../../repositories/subscriptions.ts';
import type { ProviderInvoice, ProviderSubscription } from '../../repositories/subscriptions.ts';

export interface PlanPrice {
  code: string;
  interval: Interval;
  amount: number;
  currency: string;
}

export interface SubscriptionResult {
  subscription: ProviderSubscription;
  /** The invoice this call produced (first payment, proration), if any. */
  invoice: ProviderInvoice | null;
}

export interface CreateSubscriptionInput {
  customer: string;
  price: PlanPrice;
  trialDays?: number;
  metadata: Record<string, string>;
}

export interface ChangePlanInput {
  price: PlanPrice;
  /** Upgrade: switch now and invoice the prorated difference. Otherwise: switch at the period end. */
  immediate: boolean;
}

export interface BillingProvider {
  readonly name: 'local' | 'stripe';
  now(): Date;
  createCustomer(input: { userId: string; email: string }): Promise<string>;
  /** Attaches the payment method and makes it the default; a declined card throws PAYMENT_FAILED. */
  attachPaymentMethod(customer: string, paymentMethod: string): Promise<void>;
  createSubscription(input: CreateSubscriptionInput): Promise<SubscriptionResult>;
  changePlan(subscriptionId: string, input: ChangePlanInput): Promise<SubscriptionResult>;
  setCancelAtPeriodEnd(subscriptionId: string, cancel: boolean): Promise<SubscriptionResult>;
  cancelNow(subscriptionId: string): Promise<SubscriptionResult>;
  /** Pays the open invoice of a past_due subscription with the default payment method. */
  retryOpenInvoice(subscriptionId: string): Promise<SubscriptionResult>;
  checkoutSession(input: {
    customer: string;
    price: PlanPrice;
    successUrl: string;
    cancelUrl: string;
    metadata: Record<string, string>;
  }): Promise<{ id: string; url: string }>;
  portalSession(input: { customer: string; returnUrl: string }): Promise<{ id: string; url: string }>;
}
