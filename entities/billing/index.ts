// The billing entities, collected for the ORM: plans, the mirror of the provider's books, what makes
// writes happen once, and the built-in provider's own tables.
import { BillingLocalCustomer, type BillingLocalCustomerSchema } from './local-provider.ts';
import { BillingLocalSubscription, type BillingLocalSubscriptionSchema } from './local-provider.ts';
import { Plan, type PlanSchema } from './plan.ts';
import { BillingEvent, type BillingEventSchema, IdempotencyKey, type IdempotencyKeySchema } from './requests.ts';
import {
  BillingCustomer,
  type BillingCustomerSchema,
  Invoice,
  type InvoiceSchema,
  Subscription,
  type SubscriptionSchema,
} from './subscription.ts';

export const billingEntities = [
  Plan,
  BillingCustomer,
  Subscription,
  Invoice,
  BillingEvent,
  IdempotencyKey,
  BillingLocalCustomer,
  BillingLocalSubscription,
];
export type BillingSchemas =
  | typeof PlanSchema
  | typeof BillingCustomerSchema
  | typeof SubscriptionSchema
  | typeof InvoiceSchema
  | typeof BillingEventSchema
  | typeof IdempotencyKeySchema
  | typeof BillingLocalCustomerSchema
  | typeof BillingLocalSubscriptionSchema;
