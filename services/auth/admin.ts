// The admin role: the first admin (or a promoted account) from ADMIN_EMAIL / ADMIN_PASSWORD, and the role
// check the admin routes make against the database.
import * as accounts from '../../repositories/accounts.ts';
import type { Role } from '../../entities/accounts/user.ts';
import type { Em } from '../db/orm.ts';
import { hashSecret } from './passwords.ts';

export async function ensureAdmin(
  em: Em,
  email: string,
  password: string,
): Promise<{ id: string; created: boolean; promoted: boolean }> {
  const existing = await accounts.findCredentialsByEmail(em, email);
  if (existing) {
    if (existing.role === 'admin') return { id: existing.id, created: false, promoted: false };
    await accounts.setRole(em, existing.id, 'admin');
    return { id: existing.id, created: false, promoted: true };
  }
  const id = crypto.randomUUID();
  const hash = await hashSecret(password);
  await em.transactional(async (tx) => {
    const created = await accounts.insertUser(tx, {
      id,
      fullName: 'Administrator',
      email,
      hashPassword: hash,
      role: 'admin',
    });
    if (!created) throw new Error('an account with this email was created concurrently; run it again');
    await accounts.insertFirstProfile(tx, id, 'Administrator');
  });
  return { id, created: true, promoted: false };
}

/** Whether the account holds the role now (read from the database, so a revoked admin loses access at once). */
export async function hasRole(em: Em, userId: string, role: Role): Promise<boolean> {
  return (await accounts.findRole(em, userId)) === role;
}
