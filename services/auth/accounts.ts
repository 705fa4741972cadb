// Accounts: sign-up, login, logout, the seed 003 profile (read and update) and password change.
import type { Static } from '@sinclair/typebox';
import type { AuthResponse, SignupBody } from '../../schemas/auth.ts';
import type { ChangePasswordResponse, ProfileUpdateBody, ProfileUser } from '../../schemas/profile.ts';
import * as accounts from '../../repositories/accounts.ts';
import type { Actor, Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { audit } from '../audit.ts';
import { burnVerify, hashSecret, verifySecret } from './passwords.ts';
import { endSessions, endUserSessions, openSession, type Client } from './sessions.ts';
import { recordFailedLogin } from '../security/ip-blocks.ts';
import { FREE_TIER, accountUser } from './account-user.ts';

export type ProfileView = Static<typeof ProfileUser>;
export type AuthResult = Static<typeof AuthResponse>['data'];
/** The sign-up body without the client fields, genre ids as strings. */
export type SignupInput = Pick<Static<typeof SignupBody>, 'name' | 'email' | 'password'> & { genres: string[] };
export type ProfileUpdate = Static<typeof ProfileUpdateBody>;

const emailTaken = () => new AppError('EMAIL_TAKEN', 'An account with this email already exists');

async function checkGenres(deps: Deps, genreIds: string[]): Promise<void> {
  if (genreIds.length === 0) return;
  const known = await accounts.knownGenreIds(deps.em, genreIds);
  const unknown = genreIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AppError('INVALID_REQUEST', 'Unknown genre ids', {
      fields: [{ field: 'genres', in: 'body', message: `unknown genre ids: ${unknown.join(', ')}` }],
    });
  }
}

export async function signup(deps: Deps, input: SignupInput, client: Client): Promise<AuthResult> {
  const email = accounts.normalizeEmail(input.email);
  const name = input.name.trim();
  await checkGenres(deps, input.genres);
  const hash = await hashSecret(input.password);
  const userId = crypto.randomUUID();
  const tokens = await deps.em.transactional(async (em) => {
    const created = await accounts.insertUser(em, {
      id: userId,
      fullName: name,
      email,
      hashPassword: hash,
      loggedIn: true,
    });
    if (!created) throw emailTaken();
    await accounts.replaceFollowedGenres(em, userId, input.genres);
    // Every account starts with one viewer profile named after its owner.
    await accounts.insertFirstProfile(em, userId, name.slice(0, 50));
    return openSession({ ...deps, em }, { id: userId, role: 'user' }, client);
  });
  await audit(deps, { action: 'auth.signup', actorId: userId, ip: client.ip });
  const { sessionId: _s, ...issued } = tokens;
  // A new account has no subscription yet.
  return { ...issued, user: { id: userId, name, email, subscription_tier: FREE_TIER } };
}

export async function login(deps: Deps, email: string, password: string, client: Client): Promise<AuthResult> {
  const user = await accounts.findCredentialsByEmail(deps.em, email);
  // An unknown email still pays for one verification, so its answer takes as long as a wrong password.
  if (!user) await burnVerify(password);
  const ok = user ? await verifySecret(user.hashPassword, password) : false;
  if (!user || !ok) {
    const blocked = await recordFailedLogin(
      { ...deps, threshold: deps.config.LOGIN_BLOCK_THRESHOLD, blockSeconds: deps.config.LOGIN_BLOCK_SECONDS },
      client.ip,
    );
    await audit(deps, {
      action: 'auth.login_failed',
      actorId: user?.id ?? null,
      ip: client.ip,
      details: { ip_blocked: blocked },
    });
    throw new AppError('INVALID_CREDENTIALS', 'Invalid email or password');
  }
  const issued = await openSession(deps, user, client);
  await accounts.touchLastLogin(deps.em, user.id);
  await audit(deps, {
    action: 'auth.login',
    actorId: user.id,
    ip: client.ip,
    targetType: 'session',
    targetId: issued.sessionId,
  });
  const { sessionId: _s, ...tokens } = issued;
  return { ...tokens, user: await accountUser(deps.em, user.id) };
}

export async function logout(deps: Deps, actor: Actor): Promise<void> {
  await endSessions(deps, [actor.sessionId]);
  await audit(deps, {
    action: 'auth.logout',
    actorId: actor.userId,
    ip: actor.ip,
    targetType: 'session',
    targetId: actor.sessionId,
  });
}

export async function getProfile(deps: Deps, userId: string): Promise<ProfileView> {
  const user = await accounts.findAccount(deps.em, userId);
  if (!user) throw new AppError('NOT_FOUND', 'Account not found');
  const genres = await accounts.followedGenres(deps.em, userId);
  return {
    id: user.id,
    name: user.fullName,
    email: user.email,
    genres: genres.map((g) => g.name),
    genre_ids: genres.map((g) => g.id),
    maturity_filter: user.maturityFilter,
    preferred_language: user.preferredLanguage,
    role: user.role,
    created_at: user.createdAt.toISOString(),
  };
}

export async function updateProfile(deps: Deps, actor: Actor, input: ProfileUpdate): Promise<ProfileView> {
  const genres = input.genres?.map(String);
  if (genres) await checkGenres(deps, genres);
  await deps.em.transactional(async (em) => {
    try {
      await accounts.updateAccount(em, actor.userId, {
        fullName: input.name?.trim(),
        email: input.email,
        maturityFilter: input.maturity_filter,
        preferredLanguage: input.preferred_language,
      });
    } catch (err) {
      if (accounts.isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
    if (genres) await accounts.replaceFollowedGenres(em, actor.userId, genres);
  });
  if (input.email !== undefined)
    await audit(deps, { action: 'account.email_changed', actorId: actor.userId, ip: actor.ip });
  return getProfile(deps, actor.userId);
}

export async function changePassword(
  deps: Deps,
  actor: Actor,
  oldPassword: string,
  newPassword: string,
): Promise<Static<typeof ChangePasswordResponse>['data']> {
  const user = await accounts.findCredentialsById(deps.em, actor.userId);
  if (!user || !(await verifySecret(user.hashPassword, oldPassword))) {
    await audit(deps, { action: 'auth.password_change_failed', actorId: actor.userId, ip: actor.ip });
    throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong');
  }
  await accounts.setPasswordHash(deps.em, actor.userId, await hashSecret(newPassword));
  const ended = await endUserSessions(deps, actor.userId, actor.sessionId);
  await audit(deps, {
    action: 'auth.password_changed',
    actorId: actor.userId,
    ip: actor.ip,
    details: { sessions_ended: ended.length },
  });
  return {
    auth_token: deps.tokens.access({ user_id: actor.userId, session_id: actor.sessionId, role: user.role }),
    expires_in: deps.tokens.accessTtl,
  };
}
