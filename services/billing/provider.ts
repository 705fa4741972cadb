// The billing provider boundary: what the subscription service asks of Stripe or the built-in provider,
// and the provider-neutral snapshots (Stripe-shaped, normalised) that both hand back.
import type { INTERVALS, INVOICE_STATUSES, SUBSCRIPTION_STATUSES } from '../../entities/billing/subscription.ts';

export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export type Interval = (typeof INTERVALS)[number];

export interface PlanPrice {
  code: string;
  interval: Interval;
  amount: number;
  currency: string;
}

export interface ProviderSubscription {
  id: string;
  customer: string;
  status: SubscriptionStatus;
  plan: string;
  interval: Interval;
  current_period_start: Date;
  current_period_end: Date;
  cancel_at_period_end: boolean;
  trial_end: Date | null;
  canceled_at: Date | null;
  ended_at: Date | null;
  /** A downgrade or interval change waiting for the period end. */
  pending_plan: string | null;
  pending_interval: Interval | null;
  /** When the provider produced this state (orders snapshots; seconds precision like Stripe's). */
  state_at: Date;
  metadata: Record<string, string>;
}

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
