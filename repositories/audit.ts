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

export interface AuditFilter {
  action?: string;
  actorId?: string;
  from?: Date;
  to?: Date;
}

/** A page of entries matching the filter, newest first, and how many match in all. */
export async function listAuditEntries(em: Em, f: AuditFilter, offset: number, limit: number) {
  let q = db(em).selectFrom('audit_log');
  if (f.action) q = q.where('action', '=', f.action);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<', f.to);
  const [rows, total] = await Promise.all([
    q
      .select(['id', 'action', 'actor_id', 'target_type', 'target_id', 'ip_address', 'details', 'created_at'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset(offset)
      .limit(limit)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
