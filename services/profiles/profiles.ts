// Viewer profiles of an account: list, create (at most 5), update, delete (never the last one), and the
// optional 4-digit PIN with its attempt limit (5 bad PINs lock the profile for 15 minutes).
import type { Deps } from '../deps.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { hashSecret, verifySecret } from '../auth/passwords.ts';
import { entitlements } from '../billing/entitlements.ts';

export const MAX_PIN_ATTEMPTS = 5;
const LOCK_MINUTES = 15;
/** How long an entered PIN keeps the profile unlocked for the login session (at most the session itself). */
const UNLOCK_HOURS = 12;

export interface ProfileView {
  id: string;
  name: string;
  avatar_url: string | null;
  is_kids: boolean;
  language: string;
  maturity_rating: string;
  has_pin: boolean;
}

export interface ProfileInput {
  name?: string;
  avatar_url?: string | null;
  is_kids?: boolean;
  maturity_rating?: string;
  language?: string;
  pin?: string | null;
}

interface Caller {
  userId: string;
  sessionId: string;
}

const COLUMNS = 'id, name, avatar_url, is_kids, language, maturity_rating, pin_hash is not null as has_pin';

type Row = ProfileView;
const view = (r: Row): ProfileView => ({
  id: r.id,
  name: r.name,
  avatar_url: r.avatar_url,
  is_kids: r.is_kids,
  language: r.language,
  maturity_rating: r.maturity_rating,
  has_pin: r.has_pin,
});

export async function listProfiles(em: Em, userId: string): Promise<ProfileView[]> {
  const rows = await em.execute<Row[]>(
    `select ${COLUMNS} from viewer_profiles where user_id = ? order by position, created_at`,
    [userId],
  );
  return rows.map(view);
}

/** Serialises profile writes of one account (count checks under concurrency) by locking the users row. */
const lockAccount = (tx: Em, userId: string) => tx.execute('select id from users where id = ? for update', [userId]);

export async function createProfile(
  deps: Pick<Deps, 'em'>,
  caller: Caller,
  input: ProfileInput & { name: string },
): Promise<ProfileView> {
  // Hash before the transaction: argon2 costs ~20 ms and must not hold the account lock.
  const pinHash = input.pin ? await hashSecret(input.pin) : null;
  const id = crypto.randomUUID();
  await deps.em.transactional(async (tx) => {
    await lockAccount(tx, caller.userId);
    const [{ n, next }] = await tx.execute<{ n: number | string; next: number | string }[]>(
      'select count(*) as n, coalesce(max(position), -1) + 1 as next from viewer_profiles where user_id = ?',
      [caller.userId],
    );
    // The cap is the plan's (entitlements), the same number every other part reads.
    const { max_profiles: max } = await entitlements(tx, caller.userId);
    if (Number(n) >= max)
      throw new AppError('PROFILE_LIMIT_REACHED', `This account has at most ${max} profiles`, { max });
    const isKids = input.is_kids ?? false;
    await tx.execute(
      `insert into viewer_profiles (id, user_id, name, avatar_url, is_kids, maturity_rating, language, pin_hash, position)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        caller.userId,
        input.name.trim(),
        input.avatar_url ?? null,
        isKids,
        input.maturity_rating ?? (isKids ? 'TV-Y7' : 'TV-MA'),
        input.language ?? 'en-US',
        pinHash,
        Number(next),
      ],
    );
  });
  return getProfile(deps.em, caller.userId, id);
}

export async function getProfile(em: Em, userId: string, id: string): Promise<ProfileView> {
  const rows = await em.execute<Row[]>(`select ${COLUMNS} from viewer_profiles where id = ? and user_id = ?`, [
    id,
    userId,
  ]);
  if (!rows[0]) throw new AppError('NOT_FOUND', 'Profile not found');
  return view(rows[0]);
}

/** Changing or removing the PIN of a protected profile needs it unlocked on this session (else the PIN protects nothing). */
async function requireUnlocked(em: Em, caller: Caller, id: string): Promise<void> {
  const rows = await em.execute<{ has_pin: boolean; unlocked: boolean }[]>(
    `select p.pin_hash is not null as has_pin,
            exists (select 1 from profile_unlocks l where l.profile_id = p.id and l.session_id = ? and l.expires_at > now()) as unlocked
     from viewer_profiles p where p.id = ? and p.user_id = ?`,
    [caller.sessionId, id, caller.userId],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', 'Profile not found');
  if (rows[0].has_pin && !rows[0].unlocked)
    throw new AppError('PIN_REQUIRED', 'Enter the profile PIN first (POST /profiles/{id}/select)', { profile_id: id });
}

export async function updateProfile(
  deps: Pick<Deps, 'em'>,
  caller: Caller,
  id: string,
  input: ProfileInput,
): Promise<ProfileView> {
  await requireUnlocked(deps.em, caller, id);
  const sets: string[] = [];
  const params: unknown[] = [];
  const set = (column: string, value: unknown) => {
    sets.push(`${column} = ?`);
    params.push(value);
  };
  if (input.name !== undefined) set('name', input.name.trim());
  if (input.avatar_url !== undefined) set('avatar_url', input.avatar_url);
  if (input.is_kids !== undefined) set('is_kids', input.is_kids);
  if (input.maturity_rating !== undefined) set('maturity_rating', input.maturity_rating);
  if (input.language !== undefined) set('language', input.language);
  if (input.pin !== undefined) {
    set('pin_hash', input.pin === null ? null : await hashSecret(input.pin));
    sets.push('pin_failed_attempts = 0', 'locked_until = null');
  }
  if (sets.length > 0) {
    await deps.em.transactional(async (tx) => {
      const done = await tx.execute<{ id: string }[]>(
        `update viewer_profiles set ${sets.join(', ')}, updated_at = now() where id = ? and user_id = ? returning id`,
        [...params, id, caller.userId],
      );
      if (done.length === 0) throw new AppError('NOT_FOUND', 'Profile not found');
      // A new PIN ends every other session's unlock; this session keeps it (it just proved it may act).
      if (input.pin !== undefined)
        await tx.execute('delete from profile_unlocks where profile_id = ? and session_id <> ?', [
          id,
          caller.sessionId,
        ]);
    });
  }
  return getProfile(deps.em, caller.userId, id);
}

export async function deleteProfile(deps: Pick<Deps, 'em'>, caller: Caller, id: string): Promise<void> {
  await requireUnlocked(deps.em, caller, id);
  await deps.em.transactional(async (tx) => {
    await lockAccount(tx, caller.userId);
    const rows = await tx.execute<{ id: string }[]>('select id from viewer_profiles where user_id = ?', [
      caller.userId,
    ]);
    if (!rows.some((r) => r.id === id)) throw new AppError('NOT_FOUND', 'Profile not found');
    if (rows.length <= 1) throw new AppError('CONFLICT', 'The last profile of an account cannot be deleted');
    // The library rows go with it (on delete cascade).
    await tx.execute('delete from viewer_profiles where id = ? and user_id = ?', [id, caller.userId]);
  });
}

/**
 * Switches to a profile: a PIN-protected one needs its PIN, and the unlock is recorded for this login session.
 * An attempt is reserved (counted) before the slow hash check, so parallel guesses cannot exceed the limit.
 */
export async function selectProfile(
  deps: Pick<Deps, 'em'>,
  caller: Caller,
  id: string,
  pin: string | undefined,
): Promise<ProfileView> {
  const profile = await getProfile(deps.em, caller.userId, id);
  if (!profile.has_pin) return profile;
  const reserved = await deps.em.execute<{ attempts: number; pin_hash: string }[]>(
    `update viewer_profiles set
       pin_failed_attempts = case when locked_until is not null and locked_until <= now() then 1 else pin_failed_attempts + 1 end,
       locked_until = case when locked_until is not null and locked_until <= now() then null else locked_until end
     where id = ? and user_id = ? and pin_hash is not null and (locked_until is null or locked_until <= now())
     returning pin_failed_attempts as attempts, pin_hash`,
    [id, caller.userId],
  );
  const slot = reserved[0];
  if (!slot) {
    const lock = await deps.em.execute<{ locked_until: string | null }[]>(
      'select locked_until from viewer_profiles where id = ?',
      [id],
    );
    throw locked(lock[0]?.locked_until ?? null);
  }
  if (slot.attempts > MAX_PIN_ATTEMPTS) throw locked(null);
  const ok = pin !== undefined && (await verifySecret(slot.pin_hash, pin));
  if (!ok) {
    if (slot.attempts >= MAX_PIN_ATTEMPTS) {
      const rows = await deps.em.execute<{ locked_until: string }[]>(
        `update viewer_profiles set locked_until = now() + interval '${LOCK_MINUTES} minutes' where id = ? returning locked_until`,
        [id],
      );
      throw locked(rows[0]?.locked_until ?? null);
    }
    throw new AppError('INVALID_PIN', 'Wrong PIN', { attempts_left: MAX_PIN_ATTEMPTS - slot.attempts });
  }
  await deps.em.transactional(async (tx) => {
    await tx.execute('update viewer_profiles set pin_failed_attempts = 0, locked_until = null where id = ?', [id]);
    await tx.execute(
      `insert into profile_unlocks (session_id, profile_id, expires_at) values (?, ?, now() + interval '${UNLOCK_HOURS} hours')
       on conflict (session_id, profile_id) do update set expires_at = excluded.expires_at`,
      [caller.sessionId, id],
    );
  });
  return profile;
}

function locked(until: string | null): AppError {
  return new AppError('PROFILE_LOCKED', `Too many wrong PINs: the profile is locked for ${LOCK_MINUTES} minutes`, {
    locked_until: until ? new Date(until).toISOString() : null,
  });
}
