// The account aggregate's SQL: users (credentials, role, preferences), the genres they follow, and the
// first viewer profile an account is created with.
import { sql } from 'kysely';
import type { MaturityFilter, Role } from '../entities/accounts/user.ts';
import type { Em } from '../services/db/orm.ts';
import { db, toDate } from './db.ts';

/** Emails are stored and compared lower-cased (users_email_uq is on lower(email_address)). */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export interface Credentials {
  id: string;
  fullName: string;
  email: string;
  hashPassword: string;
  role: Role;
}

export interface AccountRow {
  id: string;
  fullName: string;
  email: string;
  maturityFilter: MaturityFilter;
  preferredLanguage: string;
  role: Role;
  createdAt: Date;
}

export interface AccountPatch {
  fullName?: string;
  email?: string;
  maturityFilter?: MaturityFilter;
  preferredLanguage?: string;
}

const credentialColumns = ['id', 'full_name', 'email_address', 'hash_password', 'role'] as const;
const toCredentials = (r: {
  id: string;
  full_name: string;
  email_address: string;
  hash_password: string;
  role: Role;
}): Credentials => ({
  id: r.id,
  fullName: r.full_name,
  email: r.email_address,
  hashPassword: r.hash_password,
  role: r.role,
});

export async function findCredentialsByEmail(em: Em, email: string): Promise<Credentials | undefined> {
  const row = await db(em)
    .selectFrom('users')
    .select(credentialColumns)
    .where(sql<string>`lower(email_address)`, '=', normalizeEmail(email))
    .executeTakeFirst();
  return row && toCredentials(row);
}

export async function findCredentialsById(em: Em, id: string): Promise<Credentials | undefined> {
  const row = await db(em).selectFrom('users').select(credentialColumns).where('id', '=', id).executeTakeFirst();
  return row && toCredentials(row);
}

export async function findAccount(em: Em, id: string): Promise<AccountRow | undefined> {
  const row = await db(em)
    .selectFrom('users')
    .select(['id', 'full_name', 'email_address', 'maturity_filter', 'preferred_language', 'role', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      fullName: row.full_name,
      email: row.email_address,
      maturityFilter: row.maturity_filter,
      preferredLanguage: row.preferred_language,
      role: row.role,
      createdAt: toDate(row.created_at),
    }
  );
}

export async function findRole(em: Em, id: string): Promise<Role | undefined> {
  const row = await db(em).selectFrom('users').select('role').where('id', '=', id).executeTakeFirst();
  return row?.role;
}

/** Inserts an account; false when the email is taken (the insert is skipped, nothing fails). */
export async function insertUser(
  em: Em,
  user: { id: string; fullName: string; email: string; hashPassword: string; role?: Role; loggedIn?: boolean },
): Promise<boolean> {
  const inserted = await db(em)
    .insertInto('users')
    .values({
      id: user.id,
      full_name: user.fullName,
      email_address: normalizeEmail(user.email),
      hash_password: user.hashPassword,
      role: user.role ?? 'user',
      last_login: user.loggedIn ? sql<Date>`now()` : null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  return inserted.length === 1;
}

/** Locks the account row until the transaction ends, so per-account counts and inserts run one at a time. */
export async function lockAccount(em: Em, id: string): Promise<void> {
  await db(em).selectFrom('users').select('id').where('id', '=', id).forUpdate().execute();
}

/** Every account starts with one viewer profile, at position 0. */
export async function insertFirstProfile(em: Em, userId: string, name: string): Promise<void> {
  const now = new Date();
  await db(em)
    .insertInto('viewer_profiles')
    .values({ id: crypto.randomUUID(), user_id: userId, name, position: 0, created_at: now, updated_at: now })
    .execute();
}

export async function touchLastLogin(em: Em, id: string): Promise<void> {
  await db(em).updateTable('users').set({ last_login: sql<Date>`now()` }).where('id', '=', id).execute();
}

/** Applies the fields given; throws the driver's unique violation when the new email is taken. */
export async function updateAccount(em: Em, id: string, patch: AccountPatch): Promise<void> {
  const set = {
    ...(patch.fullName !== undefined && { full_name: patch.fullName }),
    ...(patch.email !== undefined && { email_address: normalizeEmail(patch.email) }),
    ...(patch.maturityFilter !== undefined && { maturity_filter: patch.maturityFilter }),
    ...(patch.preferredLanguage !== undefined && { preferred_language: patch.preferredLanguage }),
  };
  if (Object.keys(set).length === 0) return;
  await db(em)
    .updateTable('users')
    .set({ ...set, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function setPasswordHash(em: Em, id: string, hashPassword: string): Promise<void> {
  await db(em)
    .updateTable('users')
    .set({ hash_password: hashPassword, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function setRole(em: Em, id: string, role: Role): Promise<void> {
  await db(em).updateTable('users').set({ role, updated_at: sql<Date>`now()` }).where('id', '=', id).execute();
}

/** Whether a database error is a unique-constraint violation (PostgreSQL and PGlite report 23505). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; name?: string };
  return e?.code === '23505' || e?.name === 'UniqueConstraintViolationException';
}

/** The ids among genreIds that name a known genre. */
export async function knownGenreIds(em: Em, genreIds: string[]): Promise<Set<string>> {
  if (genreIds.length === 0) return new Set();
  const rows = await db(em).selectFrom('genres').select('id').where('id', 'in', genreIds).execute();
  return new Set(rows.map((r) => r.id));
}

export async function replaceFollowedGenres(em: Em, userId: string, genreIds: string[]): Promise<void> {
  const k = db(em);
  await k.deleteFrom('user_genres').where('user_id', '=', userId).execute();
  if (genreIds.length === 0) return;
  // 28 and '28' are the same genre: insert each once.
  await k
    .insertInto('user_genres')
    .values([...new Set(genreIds)].map((genreId) => ({ id: crypto.randomUUID(), user_id: userId, genre_id: genreId })))
    .execute();
}

/** The genres an account follows, by name. */
export async function followedGenres(em: Em, userId: string): Promise<Array<{ id: string; name: string }>> {
  return db(em)
    .selectFrom('user_genres as ug')
    .innerJoin('genres as g', 'g.id', 'ug.genre_id')
    .select(['g.id', 'g.name'])
    .where('ug.user_id', '=', userId)
    .orderBy('g.name')
    .execute();
}
