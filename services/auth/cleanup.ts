// Housekeeping: sessions past their refresh expiry become 'expired', old reset requests 'revoked'.
import { expireStaleResets } from '../../repositories/password-resets.ts';
import { expireStaleSessions } from '../../repositories/sessions.ts';
import type { Em } from '../db/orm.ts';

export async function expireStaleRecords(em: Em): Promise<void> {
  await expireStaleSessions(em);
  await expireStaleResets(em);
}
