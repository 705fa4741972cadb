// Housekeeping: sessions past their refresh expiry become 'expired', old reset requests 'revoked'.
import type { Em } from '../db/orm.ts';

export async function expireStaleRecords(em: Em): Promise<void> {
  await em.execute(
    `update login_sessions set status = 'expired', session_end = now(), updated_at = now() where status = 'active' and refresh_token_expires_at <= now()`,
  );
  await em.execute(
    `update password_resets set status = 'revoked', updated_at = now() where status in ('pending', 'verified') and expires_at <= now()`,
  );
}
