// Housekeeping: sessions past their refresh expiry become 'expired', old reset requests 'revoked'.
import { expireStaleResets } from '../../repositories/password-resets.ts';
import { expireStaleSessions } from '../../repositories/sessions.ts';
import type { Em } from '../db/orm.ts';

export async function expireStaleRecords(em: Em, now: Date): Promise<void> {
  await expireStaleSessions(em, now);
  await expireStaleResets(em, now);
}
