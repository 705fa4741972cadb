// Viewer profiles of an account: list, create (at most 5), update, delete (never the last one), and the
// optional 4-digit PIN with its attempt limit (5 bad PINs lock the profile for 15 minutes).
import type { Deps } from '../deps.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { hashSecret, verifySecret } from '../auth/passwords.ts';
import { entitlements } from '../billing/entitlements.ts';
import type { Static } from '@sinclair/typebox';
import * as profiles from '../../repositories/profiles.ts';
import type { ProfilePatch } from '../../repositories/profiles.ts';
import type { Profile, ProfileCreateBody, ProfileUpdateBody } from '../../schemas/profiles.ts';

export const MAX_PIN_ATTEMPTS = 5;
const LOCK_MINUTES = 15;
/** How long an entered PIN keeps the profile unlocked for the login session (at most the session itself). */
const UNLOCK_HOURS = 12;

/** A viewer profile as every reply shows it. */
export type ProfileView = Static<typeof Profile>;
/** The writable fields (create and update bodies). */
export type ProfileInput = Static<typeof ProfileUpdateBody>;

interface Caller {
  userId: string;
  sessionId: string;
}

export const listProfiles = (em: Em, userId: string): Promise<ProfileView[]> => profiles.listProfiles(em, userId);

export async function createProfile(
  deps: Pick<Deps, 'em' | 'config'>,
  caller: Pick<Caller, 'userId'>,
  input: Static<typeof ProfileCreateBody>,
): Promise<ProfileView> {
  // Hash before the transaction: argon2 costs ~20 ms and must not hold the account lock.
  const pinHash = input.pin ? await hashSecret(input.pin) : null;
  const id = await deps.em.transactional(async (tx) => {
    await profiles.lockAccount(tx, caller.userId);
    const { count, next } = await profiles.profileSlots(tx, caller.userId);
    // The cap is the plan's (entitlements), the same number every other part reads.
    const { max_profiles: max } = await entitlements({ em: tx, config: deps.config }, caller.userId);
    if (count >= max) throw new AppError('PROFILE_LIMIT_REACHED', `This account has at most ${max} profiles`, { max });
    const isKids = input.is_kids ?? false;
    return profiles.insertProfile(tx, {
      userId: caller.userId,
      name: input.name.trim(),
      avatarUrl: input.avatar_url ?? null,
      isKids,
      maturityRating: input.maturity_rating ?? (isKids ? 'TV-Y7' : 'TV-MA'),
      language: input.language ?? 'en-US',
      pinHash,
      position: next,
    });
  });
  return getProfile(deps.em, caller.userId, id);
}

export async function getProfile(em: Em, userId: string, id: string): Promise<ProfileView> {
  const profile = await profiles.findProfile(em, userId, id);
  if (!profile) throw new AppError('NOT_FOUND', 'Profile not found');
  return profile;
}

/** Changing or removing the PIN of a protected profile needs it unlocked on this session (else the PIN protects nothing). */
async function requireUnlocked(em: Em, caller: Caller, id: string): Promise<void> {
  const state = await profiles.pinState(em, caller.userId, id, caller.sessionId);
  if (!state) throw new AppError('NOT_FOUND', 'Profile not found');
  if (state.has_pin && !state.unlocked)
    throw new AppError('PIN_REQUIRED', 'Enter the profile PIN first (POST /profiles/{id}/select)', { profile_id: id });
}

export async function updateProfile(
  deps: Pick<Deps, 'em'>,
  caller: Caller,
  id: string,
  input: ProfileInput,
): Promise<ProfileView> {
  await requireUnlocked(deps.em, caller, id);
  const { pin, ...fields } = input;
  const patch: ProfilePatch = { ...fields, ...(fields.name !== undefined ? { name: fields.name.trim() } : {}) };
  if (pin !== undefined) patch.pin_hash = pin === null ? null : await hashSecret(pin);
  if (Object.keys(patch).length > 0) {
    await deps.em.transactional(async (tx) => {
      if (!(await profiles.updateProfile(tx, caller.userId, id, patch)))
        throw new AppError('NOT_FOUND', 'Profile not found');
      // A new PIN ends every other session's unlock; this session keeps it (it just proved it may act).
      if (pin !== undefined) await profiles.dropOtherUnlocks(tx, id, caller.sessionId);
    });
  }
  return getProfile(deps.em, caller.userId, id);
}

export async function deleteProfile(deps: Pick<Deps, 'em'>, caller: Caller, id: string): Promise<void> {
  await requireUnlocked(deps.em, caller, id);
  await deps.em.transactional(async (tx) => {
    await profiles.lockAccount(tx, caller.userId);
    const ids = await profiles.profileIds(tx, caller.userId);
    if (!ids.includes(id)) throw new AppError('NOT_FOUND', 'Profile not found');
    if (ids.length <= 1) throw new AppError('CONFLICT', 'The last profile of an account cannot be deleted');
    await profiles.deleteProfile(tx, caller.userId, id);
  });
}

/**
 * Switches to a profile: a PIN-protected one needs its PIN, and the unlock is recorded for this login session.
 * An attempt is reserved (counted) before the slow hash check, so parallel guesses cannot exceed the limit.
 */
export async function selectProfile(
  deps: Pick<Deps, 'em' | 'clock'>,
  caller: Caller,
  id: string,
  pin: string | undefined,
): Promise<ProfileView> {
  const profile = await getProfile(deps.em, caller.userId, id);
  if (!profile.has_pin) return profile;
  const slot = await profiles.reservePinAttempt(deps.em, caller.userId, id, deps.clock.now());
  if (!slot) throw locked(await profiles.lockedUntil(deps.em, id));
  if (slot.attempts > MAX_PIN_ATTEMPTS) throw locked(null);
  const ok = pin !== undefined && (await verifySecret(slot.pin_hash, pin));
  if (!ok) {
    if (slot.attempts >= MAX_PIN_ATTEMPTS) {
      const until = new Date(deps.clock.now().getTime() + LOCK_MINUTES * 60_000);
      throw locked(await profiles.lockProfile(deps.em, id, until));
    }
    throw new AppError('INVALID_PIN', 'Wrong PIN', { attempts_left: MAX_PIN_ATTEMPTS - slot.attempts });
  }
  await deps.em.transactional((tx) => profiles.recordUnlock(tx, caller.sessionId, id, UNLOCK_HOURS));
  return profile;
}

function locked(until: Date | null): AppError {
  return new AppError('PROFILE_LOCKED', `Too many wrong PINs: the profile is locked for ${LOCK_MINUTES} minutes`, {
    locked_until: until ? until.toISOString() : null,
  });
}
