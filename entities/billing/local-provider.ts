// The built-in provider's own books (what Stripe holds on its side): its customers with their default
// card, and its subscriptions with the renewal and dunning state.
import { defineEntity, p } from '@mikro-orm/core';
import { INTERVALS } from './subscription.ts';

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
  properties: {
    id: p.string().length(40).primary(),
    customerId: p.string().length(40),
    planCode: p.string().length(20),
    // No check constraint in the table; the provider only ever writes these two values.
    interval: p.enum(INTERVALS).columnType('varchar(5)'),
    status: p.string().length(20),
    currentPeriodStart: p.datetime(),
    currentPeriodEnd: p.datetime(),
    cancelAtPeriodEnd: p.boolean().default(false),
    trialEnd: p.datetime().nullable(),
    canceledAt: p.datetime().nullable(),
    endedAt: p.datetime().nullable(),
    pendingPlanCode: p.string().length(20).nullable(),
    pendingInterval: p.enum(INTERVALS).columnType('varchar(5)').nullable(),
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
