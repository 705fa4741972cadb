// The built-in provider's own books (what Stripe holds on its side): its customers with their default
// card, and its subscriptions with the renewal and dunning state.
import { defineEntity, p } from '@mikro-orm/core';
import type { INTERVALS } from './subscription.ts';

type Interval = (typeof INTERVALS)[number];

export const BillingLocalCustomerSchema = defineEntity({
  name: 'BillingLocalCustomer',
  tableName: 'billing_local_customers',
  properties: {
    id: p.string().length(40).primary(),
    email: p.string().length(100),
    cardNumber: p.string().length(19).nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export class BillingLocalCustomer extends BillingLocalCustomerSchema.class {}
BillingLocalCustomerSchema.setClass(BillingLocalCustomer);

export const BillingLocalSubscriptionSchema = defineEntity({
  name: 'BillingLocalSubscription',
  tableName: 'billing_local_subscriptions',
  indexes: [{ name: 'billing_local_subscriptions_due_idx', properties: ['status', 'currentPeriodEnd'] }],
  properties: {
    id: p.string().length(40).primary(),
    customerId: p.string().length(40),
    planCode: p.string().length(20),
    // No check constraint in the table (the provider only ever writes these two values): typed, not checked.
    interval: p.string().length(5).$type<Interval>(),
    status: p.string().length(20),
    currentPeriodStart: p.datetime(),
    currentPeriodEnd: p.datetime(),
    cancelAtPeriodEnd: p.boolean().default(false),
    trialEnd: p.datetime().nullable(),
    canceledAt: p.datetime().nullable(),
    endedAt: p.datetime().nullable(),
    pendingPlanCode: p.string().length(20).nullable(),
    pendingInterval: p.string().length(5).$type<Interval>().nullable(),
    openInvoiceId: p.string().length(40).nullable(),
    openInvoiceAmount: p.integer().nullable(),
    retryCount: p.integer().default(0),
    nextRetryAt: p.datetime().nullable(),
    metadata: p.json<Record<string, string>>().default('{}'),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export class BillingLocalSubscription extends BillingLocalSubscriptionSchema.class {}
BillingLocalSubscriptionSchema.setClass(BillingLocalSubscription);
