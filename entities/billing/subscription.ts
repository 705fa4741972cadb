// The app's mirror of the provider's books: which provider customer an account is, its subscriptions and
// its invoices, written from API answers and webhook events alike.
import { defineEntity, p } from '@mikro-orm/core';

export const SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'canceled', 'incomplete'] as const;
export const INTERVALS = ['month', 'year'] as const;
export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;

export const BillingCustomerSchema = defineEntity({
  name: 'BillingCustomer',
  tableName: 'billing_customers',
  uniques: [{ name: 'billing_customers_provider_customer_id_key', properties: ['provider', 'customerId'] }],
  properties: {
    userId: p.uuid().primary(),
    provider: p.string().length(10).primary(),
    customerId: p.string().length(255),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export class BillingCustomer extends BillingCustomerSchema.class {}
BillingCustomerSchema.setClass(BillingCustomer);

export const SubscriptionSchema = defineEntity({
  name: 'Subscription',
  tableName: 'subscriptions',
  // At most one live subscription per account; the account's history newest first.
  uniques: [
    {
      name: 'subscriptions_one_live_uq',
      properties: ['userId'],
      where: "status in ('trialing', 'active', 'past_due')",
    },
  ],
  indexes: [{ name: 'subscriptions_user_idx', columns: [{ name: 'user_id' }, { name: 'created_at', sort: 'desc' }] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    provider: p.string().length(10),
    providerSubscriptionId: p.string().length(255).unique('subscriptions_provider_subscription_id_key'),
    providerCustomerId: p.string().length(255),
    planCode: p.string().length(20),
    interval: p.enum(INTERVALS).columnType('varchar(5)'),
    status: p.enum(SUBSCRIPTION_STATUSES).columnType('varchar(20)'),
    currentPeriodStart: p.datetime(),
    currentPeriodEnd: p.datetime(),
    cancelAtPeriodEnd: p.boolean().default(false),
    trialEnd: p.datetime().nullable(),
    canceledAt: p.datetime().nullable(),
    endedAt: p.datetime().nullable(),
    pendingPlanCode: p.string().length(20).nullable(),
    pendingInterval: p.string().length(5).nullable(),
    stateAt: p.datetime(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export class Subscription extends SubscriptionSchema.class {}
SubscriptionSchema.setClass(Subscription);

export const InvoiceSchema = defineEntity({
  name: 'Invoice',
  tableName: 'invoices',
  indexes: [
    {
      name: 'invoices_user_idx',
      columns: [{ name: 'user_id' }, { name: 'issued_at', sort: 'desc' }, { name: 'id' }],
    },
  ],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    providerInvoiceId: p.string().length(255).unique('invoices_provider_invoice_id_key'),
    providerSubscriptionId: p.string().length(255).nullable(),
    amountDue: p.integer(),
    amountPaid: p.integer().default(0),
    currency: p.string().length(3),
    status: p.enum(INVOICE_STATUSES).columnType('varchar(20)'),
    billingReason: p.string().length(40),
    failureReason: p.text().nullable(),
    periodStart: p.datetime().nullable(),
    periodEnd: p.datetime().nullable(),
    issuedAt: p.datetime(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export class Invoice extends InvoiceSchema.class {}
InvoiceSchema.setClass(Invoice);
