// One audit event (audit_log): who did what to which target, from where; details never hold secrets.
import { defineEntity, p } from '@mikro-orm/core';

export const AuditEntrySchema = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    actorId: p.uuid().nullable(),
    action: p.string().length(64),
    targetType: p.string().length(32).nullable(),
    targetId: p.string().length(64).nullable(),
    ipAddress: p.string().length(45).nullable(),
    details: p.json<Record<string, unknown>>().default('{}'),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    { name: 'audit_log_created_idx', expression: 'create index audit_log_created_idx on audit_log (created_at desc)' },
  ],
});

export class AuditEntry extends AuditEntrySchema.class {}
AuditEntrySchema.setClass(AuditEntry);
