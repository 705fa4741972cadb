// Audit events: critical actions (logins, resets, token reuse, admin changes) logged and kept in audit_log.
// Never pass passwords, OTPs or tokens in details.
import { insertAuditEntry, listAuditEntries } from '../repositories/audit.ts';
import { AppError } from './errors.ts';
import type { Deps } from './deps.ts';

export interface AuditEvent {
  action: string;
  actorId?: string | null;
  ip?: string | null;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

export async function audit(deps: Pick<Deps, 'em' | 'log'>, event: AuditEvent): Promise<void> {
  deps.log.info({ audit: { ...event } }, `audit: ${event.action}`);
  try {
    await insertAuditEntry(deps.em, {
      actorId: event.actorId ?? null,
      action: event.action,
      targetType: event.targetType ?? null,
      targetId: event.targetId ?? null,
      ip: event.ip ?? null,
      details: event.details ?? {},
    });
  } catch (err) {
    // An audit write must never turn a finished action into an error for the client.
    deps.log.error({ err, action: event.action }, 'audit write failed');
  }
}

export interface AuditQueryInput {
  page: number;
  limit: number;
  action?: string;
  actor_id?: string;
  from?: string;
  to?: string;
}

/** The admin view of the log: filtered, paginated, newest first. */
export async function listAudit(deps: Pick<Deps, 'em'>, q: AuditQueryInput) {
  const from = q.from ? new Date(q.from) : undefined;
  const to = q.to ? new Date(q.to) : undefined;
  if (from && to && from >= to) throw new AppError('INVALID_REQUEST', '`from` must be before `to`');
  const { rows, total } = await listAuditEntries(
    deps.em,
    { action: q.action, actorId: q.actor_id, from, to },
    (q.page - 1) * q.limit,
    q.limit,
  );
  return {
    entries: rows.map((r) => ({
      id: String(r.id),
      action: r.action,
      actor_id: r.actor_id,
      target_type: r.target_type,
      target_id: r.target_id,
      ip_address: r.ip_address,
      details: r.details,
      created_at: new Date(r.created_at).toISOString(),
    })),
    pagination: { page: q.page, limit: q.limit, total, total_pages: Math.ceil(total / q.limit) },
  };
}
