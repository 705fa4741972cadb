// Creates the first admin (or promotes an existing account) from ADMIN_EMAIL / ADMIN_PASSWORD.
import type { Em } from '../db/orm.ts';
import { hashSecret } from './passwords.ts';

export async function ensureAdmin(
  em: Em,
  email: string,
  password: string,
): Promise<{ id: string; created: boolean; promoted: boolean }> {
  const normalized = email.trim().toLowerCase();
  const existing = await em.execute<{ id: string; role: string }[]>(
    'select id, role from users where lower(email_address) = ?',
    [normalized],
  );
  if (existing[0]) {
    if (existing[0].role === 'admin') return { id: existing[0].id, created: false, promoted: false };
    await em.execute(`update users set role = 'admin', updated_at = now() where id = ?`, [existing[0].id]);
    return { id: existing[0].id, created: false, promoted: true };
  }
  const id = crypto.randomUUID();
  const hash = await hashSecret(password);
  await em.transactional(async (tx) => {
    await tx.execute(
      `insert into users (id, full_name, email_address, hash_password, role) values (?, 'Administrator', ?, ?, 'admin')`,
      [id, normalized, hash],
    );
    await tx.execute(`insert into viewer_profiles (id, user_id, name, position) values (?, ?, 'Administrator', 0)`, [
      crypto.randomUUID(),
      id,
    ]);
  });
  return { id, created: true, promoted: false };
}
