// Viewer profiles and their PIN unlocks: the profile view, the per-account writes (under the account's row
// lock), the PIN attempt counter and lock, and the one-query viewer lookup every request runs.
import { type ExpressionBuilder, sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { type DB, db, toDate } from './db.ts';

const hasPin = (eb: ExpressionBuilder<DB, 'viewer_profiles'>) =>
  eb('viewer_profiles.pin_hash', 'is not', null).$castTo<boolean>().as('has_pin');

/** Whether `sessionId` holds a live unlock of the profile; false for no session. */
const unlockedBy = (sessionId: string | null) => (eb: ExpressionBuilder<DB, 'viewer_profiles'>) =>
  eb
    .exists(
      eb
        .selectFrom('profile_unlocks')
        .select(sql`1`.as('one'))
        .whereRef('profile_unlocks.profile_id', '=', 'viewer_profiles.id')
        .where('profile_unlocks.session_id', '=', sessionId)
        .where('profile_unlocks.expires_at', '>', sql<Date>`now()`),
    )
    .$castTo<boolean>()
    .as('unlocked');

const PROFILE_COLUMNS = ['id', 'name', 'avatar_url', 'is_kids', 'language', 'maturity_rating'] as const;

/** The account's profiles, in their order, as replies show them. */
export async function listProfiles(em: Em, userId: string) {
  return db(em)
    .selectFrom('viewer_profiles')
    .select(PROFILE_COLUMNS)
    .select(hasPin)
    .where('user_id', '=', userId)
    .orderBy('position')
    .orderBy('created_at')
    .execute();
}

/** The profile as replies show it (undefined for a profile not of this account). */
export async function findProfile(em: Em, userId: string, id: string) {
  return db(em)
    .selectFrom('viewer_profiles')
    .select(PROFILE_COLUMNS)
    .select(hasPin)
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** Serialises the profile writes of one account (count checks under concurrency) by locking its users row. */
export async function lockAccount(em: Em, userId: string): Promise<void> {
  await db(em).selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
}

/** How many profiles the account has, and the position a new one takes (after the last). */
export async function profileSlots(em: Em, userId: string): Promise<{ count: number; next: number }> {
  const row = await db(em)
    .selectFrom('viewer_profiles')
    .select((eb) => [eb.fn.countAll<string>().as('n'), sql<number>`coalesce(max(position), -1) + 1`.as('next')])
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), next: Number(row.next) };
}

export interface NewProfile {
  userId: string;
  name: string;
  avatarUrl: string | null;
  isKids: boolean;
  maturityRating: string;
  language: string;
  pinHash: string | null;
  position: number;
}

export async function insertProfile(em: Em, profile: NewProfile): Promise<string> {
  const id = crypto.randomUUID();
  await db(em)
    .insertInto('viewer_profiles')
    .values({
      id,
      user_id: profile.userId,
      name: profile.name,
      avatar_url: profile.avatarUrl,
      is_kids: profile.isKids,
      maturity_rating: profile.maturityRating,
      language: profile.language,
      pin_hash: profile.pinHash,
      position: profile.position,
    })
    .execute();
  return id;
}

/** Whether the profile has a PIN and `sessionId` unlocked it; undefined for a profile not of this account. */
export async function pinState(
  em: Em,
  userId: string,
  id: string,
  sessionId: string,
): Promise<{ has_pin: boolean; unlocked: boolean } | undefined> {
  return db(em)
    .selectFrom('viewer_profiles')
    .select((eb) => [hasPin(eb), unlockedBy(sessionId)(eb)])
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export interface ProfilePatch {
  name?: string;
  avatar_url?: string | null;
  is_kids?: boolean;
  maturity_rating?: string;
  language?: string;
  /** A new PIN hash (or null: no PIN); either way the failed attempts and the lock are reset. */
  pin_hash?: string | null;
}

/** Applies the fields given; false when the profile is not this account's. */
export async function updateProfile(em: Em, userId: string, id: string, patch: ProfilePatch): Promise<boolean> {
  const pin = patch.pin_hash !== undefined ? { pin_failed_attempts: 0, locked_until: null } : {};
  const done = await db(em)
    .updateTable('viewer_profiles')
    .set({ ...patch, ...pin, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returning('id')
    .execute();
  return done.length > 0;
}

/** Ends the profile's unlocks on every login session but `keepSessionId`. */
export async function dropOtherUnlocks(em: Em, profileId: string, keepSessionId: string): Promise<void> {
  await db(em)
    .deleteFrom('profile_unlocks')
    .where('profile_id', '=', profileId)
    .where('session_id', '<>', keepSessionId)
    .execute();
}

export async function profileIds(em: Em, userId: string): Promise<string[]> {
  const rows = await db(em).selectFrom('viewer_profiles').select('id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.id);
}

/** Deletes the profile; its library rows go with it (on delete cascade). */
export async function deleteProfile(em: Em, userId: string, id: string): Promise<void> {
  await db(em).deleteFrom('viewer_profiles').where('id', '=', id).where('user_id', '=', userId).execute();
}

/**
 * Counts a PIN attempt before the slow hash check, so parallel guesses cannot exceed the limit: undefined
 * while the profile is locked (or has no PIN); an expired lock restarts the count at this attempt.
 */
export async function reservePinAttempt(
  em: Em,
  userId: string,
  id: string,
  now: Date,
): Promise<{ attempts: number; pin_hash: string } | undefined> {
  const lockOver = sql<boolean>`locked_until is not null and locked_until <= ${now}`;
  const row = await db(em)
    .updateTable('viewer_profiles')
    .set({
      pin_failed_attempts: sql<number>`case when ${lockOver} then 1 else pin_failed_attempts + 1 end`,
      locked_until: sql<Date | null>`case when ${lockOver} then null else locked_until end`,
    })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('pin_hash', 'is not', null)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning(['pin_failed_attempts as attempts', 'pin_hash'])
    .executeTakeFirst();
  return row?.pin_hash ? { attempts: row.attempts, pin_hash: row.pin_hash } : undefined;
}

export async function lockedUntil(em: Em, id: string): Promise<Date | null> {
  const row = await db(em).selectFrom('viewer_profiles').select('locked_until').where('id', '=', id).executeTakeFirst();
  return row?.locked_until ? toDate(row.locked_until) : null;
}

/** Locks the profile against PIN attempts until `until`; returns until when (null for no such profile). */
export async function lockProfile(em: Em, id: string, until: Date): Promise<Date | null> {
  const row = await db(em)
    .updateTable('viewer_profiles')
    .set({ locked_until: until })
    .where('id', '=', id)
    .returning('locked_until')
    .executeTakeFirst();
  return row?.locked_until ? toDate(row.locked_until) : null;
}

/** A right PIN: the attempt count restarts, and `sessionId` may act for the profile for `hours`. */
export async function recordUnlock(em: Em, sessionId: string, id: string, hours: number): Promise<void> {
  const k = db(em);
  await k
    .updateTable('viewer_profiles')
    .set({ pin_failed_attempts: 0, locked_until: null })
    .where('id', '=', id)
    .execute();
  await k
    .insertInto('profile_unlocks')
    .values({ session_id: sessionId, profile_id: id, expires_at: sql<Date>`now() + make_interval(hours => ${hours})` })
    .onConflict((oc) =>
      oc.columns(['session_id', 'profile_id']).doUpdateSet((eb) => ({ expires_at: eb.ref('excluded.expires_at') })),
    )
    .execute();
}

/**
 * The request path's one query: the profile `profileId` of the account (or its first profile), the
 * account's maturity filter, and whether `sessionId` unlocked it.
 */
export async function findViewer(em: Em, userId: string, profileId: string | undefined, sessionId: string | null) {
  let q = db(em)
    .selectFrom('viewer_profiles')
    .innerJoin('users', 'users.id', 'viewer_profiles.user_id')
    .select((eb) => [
      'viewer_profiles.id',
      'viewer_profiles.is_kids',
      'viewer_profiles.maturity_rating',
      'users.maturity_filter',
      hasPin(eb),
      unlockedBy(sessionId)(eb),
    ])
    .where('viewer_profiles.user_id', '=', userId);
  if (profileId) q = q.where('viewer_profiles.id', '=', profileId);
  return q.orderBy('viewer_profiles.position').orderBy('viewer_profiles.created_at').limit(1).executeTakeFirst();
}
