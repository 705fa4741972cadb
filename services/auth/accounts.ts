// Accounts: sign-up, login, logout, the seed 003 profile (read and update) and password change.
import type { Actor, Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { audit } from '../audit.ts';
import { burnVerify, hashSecret, verifySecret } from './passwords.ts';
import { endSessions, endUserSessions, openSession, type Client, type IssuedTokens } from './sessions.ts';
import { recordFailedLogin } from '../security/ip-blocks.ts';
import type { MaturityFilter } from '../../entities/accounts/user.ts';

export interface AccountView {
  id: string;
  name: string;
  email: string;
}

export interface ProfileView extends AccountView {
  genres: string[];
  genre_ids: string[];
  maturity_filter: MaturityFilter;
  preferred_language: string;
  role: 'user' | 'admin';
  created_at: string;
}

const normalizeEmail = (email: string) => email.trim().toLowerCase();

async function checkGenres(deps: Deps, genreIds: string[]): Promise<void> {
  if (genreIds.length === 0) return;
  const rows = await deps.em.execute<{ id: string }[]>(
    `select id from genres where id in (${genreIds.map(() => '?').join(',')})`,
    genreIds,
  );
  const known = new Set(rows.map((r) => r.id));
  const unknown = genreIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AppError('INVALID_REQUEST', 'Unknown genre ids', {
      fields: [{ field: 'genres', in: 'body', message: `unknown genre ids: ${unknown.join(', ')}` }],
    });
  }
}

async function replaceGenres(deps: Deps, userId: string, genreIds: string[]): Promise<void> {
  await deps.em.execute('delete from user_genres where user_id = ?', [userId]);
  for (const genreId of genreIds) {
    await deps.em.execute('insert into user_genres (id, user_id, genre_id) values (?, ?, ?)', [
      crypto.randomUUID(),
      userId,
      genreId,
    ]);
  }
}

export interface SignupInput {
  name: string;
  email: string;
  password: string;
  genres: string[];
}

export async function signup(
  deps: Deps,
  input: SignupInput,
  client: Client,
): Promise<IssuedTokens & { user: AccountView }> {
  const email = normalizeEmail(input.email);
  await checkGenres(deps, input.genres);
  const hash = await hashSecret(input.password);
  const userId = crypto.randomUUID();
  const tokens = await deps.em.transactional(async (em) => {
    const tx = { ...deps, em };
    const inserted = await em.execute<{ id: string }[]>(
      `insert into users (id, full_name, email_address, hash_password, last_login) values (?, ?, ?, ?, now())
       on conflict do nothing returning id`,
      [userId, input.name.trim(), email, hash],
    );
    if (inserted.length === 0) throw new AppError('EMAIL_TAKEN', 'An account with this email already exists');
    await replaceGenres(tx, userId, input.genres);
    // Every account starts with one viewer profile named after its owner.
    await em.execute('insert into viewer_profiles (id, user_id, name, position) values (?, ?, ?, 0)', [
      crypto.randomUUID(),
      userId,
      input.name.trim().slice(0, 50),
    ]);
    return openSession(tx, { id: userId, role: 'user' }, client);
  });
  await audit(deps, { action: 'auth.signup', actorId: userId, ip: client.ip });
  const { sessionId: _s, ...issued } = tokens;
  return { ...issued, user: { id: userId, name: input.name.trim(), email } };
}

export async function login(
  deps: Deps,
  email: string,
  password: string,
  client: Client,
): Promise<IssuedTokens & { user: AccountView }> {
  const rows = await deps.em.execute<
    { id: string; full_name: string; email_address: string; hash_password: string; role: 'user' | 'admin' }[]
  >('select id, full_name, email_address, hash_password, role from users where lower(email_address) = ?', [
    normalizeEmail(email),
  ]);
  const user = rows[0];
  // An unknown email still pays for one verification, so its answer takes as long as a wrong password.
  if (!user) await burnVerify(password);
  const ok = user ? await verifySecret(user.hash_password, password) : false;
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
  await deps.em.execute('update users set last_login = now() where id = ?', [user.id]);
  await audit(deps, {
    action: 'auth.login',
    actorId: user.id,
    ip: client.ip,
    targetType: 'session',
    targetId: issued.sessionId,
  });
  const { sessionId: _s, ...tokens } = issued;
  return { ...tokens, user: { id: user.id, name: user.full_name, email: user.email_address } };
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
  const rows = await deps.em.execute<
    {
      id: string;
      full_name: string;
      email_address: string;
      maturity_filter: MaturityFilter;
      preferred_language: string;
      role: 'user' | 'admin';
      created_at: string;
    }[]
  >(
    'select id, full_name, email_address, maturity_filter, preferred_language, role, created_at from users where id = ?',
    [userId],
  );
  const user = rows[0];
  if (!user) throw new AppError('NOT_FOUND', 'Account not found');
  const genres = await deps.em.execute<{ id: string; name: string }[]>(
    'select g.id, g.name from user_genres ug join genres g on g.id = ug.genre_id where ug.user_id = ? order by g.name',
    [userId],
  );
  return {
    id: user.id,
    name: user.full_name,
    email: user.email_address,
    genres: genres.map((g) => g.name),
    genre_ids: genres.map((g) => g.id),
    maturity_filter: user.maturity_filter,
    preferred_language: user.preferred_language,
    role: user.role,
    created_at: new Date(user.created_at).toISOString(),
  };
}

export interface ProfileUpdate {
  name?: string;
  email?: string;
  genres?: Array<string | number>;
  maturity_filter?: MaturityFilter;
  preferred_language?: string;
}

export async function updateProfile(deps: Deps, actor: Actor, input: ProfileUpdate): Promise<ProfileView> {
  const update = { ...input, genres: input.genres?.map(String) };
  if (update.genres) await checkGenres(deps, update.genres);
  await deps.em.transactional(async (em) => {
    const sets: string[] = [];
    const params: unknown[] = [];
    const set = (column: string, value: unknown) => {
      sets.push(`${column} = ?`);
      params.push(value);
    };
    if (update.name !== undefined) set('full_name', update.name.trim());
    if (update.email !== undefined) set('email_address', normalizeEmail(update.email));
    if (update.maturity_filter !== undefined) set('maturity_filter', update.maturity_filter);
    if (update.preferred_language !== undefined) set('preferred_language', update.preferred_language);
    if (sets.length > 0) {
      try {
        await em.execute(`update users set ${sets.join(', ')}, updated_at = now() where id = ?`, [
          ...params,
          actor.userId,
        ]);
      } catch (err) {
        if ((err as Error).name === 'UniqueConstraintViolationException')
          throw new AppError('EMAIL_TAKEN', 'An account with this email already exists');
        throw err;
      }
    }
    if (update.genres) await replaceGenres({ ...deps, em }, actor.userId, update.genres);
  });
  if (update.email !== undefined)
    await audit(deps, { action: 'account.email_changed', actorId: actor.userId, ip: actor.ip });
  return getProfile(deps, actor.userId);
}

export async function changePassword(
  deps: Deps,
  actor: Actor,
  oldPassword: string,
  newPassword: string,
): Promise<{ auth_token: string; expires_in: number }> {
  const rows = await deps.em.execute<{ hash_password: string; role: 'user' | 'admin' }[]>(
    'select hash_password, role from users where id = ?',
    [actor.userId],
  );
  if (!rows[0] || !(await verifySecret(rows[0].hash_password, oldPassword))) {
    await audit(deps, { action: 'auth.password_change_failed', actorId: actor.userId, ip: actor.ip });
    throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong');
  }
  const hash = await hashSecret(newPassword);
  await deps.em.execute('update users set hash_password = ?, updated_at = now() where id = ?', [hash, actor.userId]);
  const ended = await endUserSessions(deps, actor.userId, actor.sessionId);
  await audit(deps, {
    action: 'auth.password_changed',
    actorId: actor.userId,
    ip: actor.ip,
    details: { sessions_ended: ended.length },
  });
  return {
    auth_token: deps.tokens.access({ user_id: actor.userId, session_id: actor.sessionId, role: rows[0].role }),
    expires_in: deps.tokens.accessTtl,
  };
}
