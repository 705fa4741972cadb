// TypeBox schemas of plans, subscriptions, entitlements, invoices and the billing request bodies.
import { Type, type Static } from '@sinclair/typebox';
import { Uuid, Pagination, envelope, ref } from './common.ts';

const Interval = Type.Union([Type.Literal('month'), Type.Literal('year')], { description: 'Billing interval' });
const PlanCode = Type.String({
  pattern: '^[a-z0-9-]{1,20}$',
  examples: ['standard'],
  description: 'Plan code (see GET /plans)',
});
const Status = Type.Union(
  ['trialing', 'active', 'past_due', 'canceled', 'incomplete'].map((s) => Type.Literal(s)),
  { description: 'Stripe subscription status' },
);
const DateTime = Type.String({ format: 'date-time' });
const NullableDate = Type.Union([DateTime, Type.Null()]);

export const PlanSchema = Type.Object(
  {
    code: Type.String({ examples: ['standard'] }),
    name: Type.String({ examples: ['Standard'] }),
    max_streams: Type.Integer({ description: 'Concurrent streams', examples: [2] }),
    max_resolution: Type.String({ examples: ['1080p'] }),
    max_profiles: Type.Integer({ examples: [5] }),
    price_month: Type.Integer({ description: 'Monthly price in minor units', examples: [1399] }),
    price_year: Type.Integer({ description: 'Yearly price in minor units', examples: [13990] }),
    currency: Type.String({ examples: ['usd'] }),
  },
  { $id: 'Plan', description: 'A subscription plan with its limits and prices' },
);
export const Plan = ref(PlanSchema);
export type Plan = Static<typeof Plan>;
export const PlansResponse = envelope(Type.Object({ plans: Type.Array(Plan) }));

export const EntitlementsSchema = Type.Object(
  {
    active: Type.Boolean({ description: 'May start playback' }),
    plan: Type.Union([Type.String(), Type.Null()]),
    max_streams: Type.Integer(),
    max_resolution: Type.Union([Type.String(), Type.Null()]),
    max_profiles: Type.Integer(),
    status: Type.Union([Status, Type.Literal('none')]),
  },
  { $id: 'Entitlements', description: 'What the account may do under its subscription' },
);
export const Entitlements = ref(EntitlementsSchema);
export type Entitlements = Static<typeof Entitlements>;

export const SubscriptionSchema = Type.Object(
  {
    id: Uuid,
    plan: Type.String(),
    interval: Interval,
    status: Status,
    provider: Type.String({ examples: ['local'] }),
    current_period_start: DateTime,
    current_period_end: DateTime,
    cancel_at_period_end: Type.Boolean(),
    trial_end: NullableDate,
    canceled_at: NullableDate,
    ended_at: NullableDate,
    pending_change: Type.Union(
      [Type.Object({ plan: Type.String(), interval: Type.String(), effective_at: DateTime }), Type.Null()],
      { description: 'A downgrade waiting for the period end' },
    ),
    created_at: DateTime,
  },
  { $id: 'Subscription', description: 'The account’s subscription' },
);
export const Subscription = ref(SubscriptionSchema);
export type Subscription = Static<typeof Subscription>;
export const SubscriptionResponse = envelope(
  Type.Object({ subscription: Type.Union([Subscription, Type.Null()]), entitlements: Entitlements }),
);

const PaymentMethod = Type.String({
  minLength: 3,
  maxLength: 64,
  description:
    'Stripe: a PaymentMethod id from Stripe.js (pm_...). Built-in provider: a Stripe test token (pm_card_visa, pm_card_chargeDeclined, ' +
    'pm_card_chargeCustomerFail ...) or a test card number (4242424242424242 succeeds, 4000000000000002 is declined, 4000000000000341 fails at renewal)',
  examples: ['pm_card_visa'],
});

export const CreateSubscriptionBody = Type.Object(
  {
    plan: PlanCode,
    interval: Type.Optional(Interval),
    payment_method: PaymentMethod,
    trial_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
  },
  { additionalProperties: false },
);
export const ChangeSubscriptionBody = Type.Object(
  { plan: Type.Optional(PlanCode), interval: Type.Optional(Interval), payment_method: Type.Optional(PaymentMethod) },
  { additionalProperties: false, minProperties: 1 },
);
export const CancelBody = Type.Object(
  { immediately: Type.Optional(Type.Boolean({ default: false, description: 'End now instead of at the period end' })) },
  { additionalProperties: false },
);
export const EmptyBody = Type.Object({}, { additionalProperties: false });

export const InvoiceSchema = Type.Object(
  {
    id: Uuid,
    number: Type.String({ description: "The provider's invoice id", examples: ['in_1Q0'] }),
    amount_due: Type.Integer(),
    amount_paid: Type.Integer(),
    currency: Type.String(),
    status: Type.String({ examples: ['paid'] }),
    billing_reason: Type.String({ examples: ['subscription_cycle'] }),
    failure_reason: Type.Union([Type.String(), Type.Null()]),
    period_start: NullableDate,
    period_end: NullableDate,
    issued_at: DateTime,
  },
  { $id: 'Invoice', description: 'An invoice of the subscription' },
);
export const Invoice = ref(InvoiceSchema);
export type Invoice = Static<typeof Invoice>;
export const InvoicesResponse = envelope(Type.Object({ invoices: Type.Array(Invoice), pagination: Pagination }));

export const CheckoutBody = Type.Object(
  { plan: PlanCode, interval: Type.Optional(Interval) },
  { additionalProperties: false },
);
export const SessionResponse = envelope(Type.Object({ id: Type.String(), url: Type.String() }));
export const WebhookResponse = Type.Object({ received: Type.Boolean(), applied: Type.Boolean() });

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Retry-safe key: the same key and body return the stored answer for 24 h',
    }),
  ),
});
