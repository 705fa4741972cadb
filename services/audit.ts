// Audit events: critical actions (logins, resets, token reuse, admin changes) logged and kept in audit_log.
// Never pass passwords, OTPs or tokens in details.
import { insertAuditEntry } from '../repositories/audit.ts';
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
