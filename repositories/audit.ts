// The audit_log table's SQL: append-only events.
import { sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { db } from './db.ts';

export interface AuditRow {
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export async function insertAuditEntry(em: Em, entry: AuditRow): Promise<void> {
  await db(em)
    .insertInto('audit_log')
    .values({
      actor_id: entry.actorId,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      ip_address: entry.ip,
      details: sql<Record<string, unknown>>`cast(${JSON.stringify(entry.details)} as jsonb)`,
    })
    .execute();
}
