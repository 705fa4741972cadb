// What makes billing writes happen once: the provider events already applied and the Idempotency-Keys
// of the billing POSTs with their stored answers.
import { defineEntity, p } from '@mikro-orm/core';

export const BillingEventSchema = defineEntity({
  name: 'BillingEvent',
  tableName: 'billing_events',
  properties: {
    id: p.string().length(255).primary(),
    type: p.string().length(100),
    eventCreated: p.datetime(),
    receivedAt: p.datetime().defaultRaw('now()'),
  },
});
export class BillingEvent extends BillingEventSchema.class {}
BillingEventSchema.setClass(BillingEvent);

export const IDEMPOTENCY_STATUSES = ['in_flight', 'done'] as const;

export const IdempotencyKeySchema = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  indexes: [{ name: 'idempotency_keys_expiry_idx', properties: ['expiresAt'] }],
  properties: {
    userId: p.uuid().primary(),
    key: p.string().length(255).primary(),
    requestHash: p.character().length(64),
    status: p.enum(IDEMPOTENCY_STATUSES).columnType('varchar(10)'),
    responseStatus: p.integer().nullable(),
    responseBody: p.json<unknown>().nullable(),
    lockedUntil: p.datetime(),
    expiresAt: p.datetime(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export class IdempotencyKey extends IdempotencyKeySchema.class {}
IdempotencyKeySchema.setClass(IdempotencyKey);
