// Sign-up, login, refresh rotation with reuse detection, logout: seed 003 shapes and the security rules.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { testClock } from './helpers/clock.ts';
import { call, newUser } from './helpers/factories.ts';
import { findCredentialsByEmail } from '../repositories/accounts.ts';

const clock = testClock();
const app = await buildTestApp(t, {}, { clock });
const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  call(app, { method: 'POST', url: `/api/v1${url}`, payload: payload as object, headers });

t.test('signup returns the seed 003 shape with refresh_token and expires_in', async (t) => {
  const res = await post('/auth/signup', {
    name: 'Joe Doe',
    email: 'Joe@Example.com',
    password: 'PASS1234',
    genres: [28, '35'],
  });
  t.equal(res.status, 201);
  t.equal(res.body.success, true);
  t.equal(res.body.message, 'Account created successfully');
  t.match(res.body.data, {
    auth_token: String,
    refresh_token: String,
    expires_in: 900,
    user: { id: String, name: 'Joe Doe', email: 'joe@example.com' },
  });
  const profile = await call(app, {
    method: 'GET',
    url: '/api/v1/profile',
    headers: { authorization: `Bearer ${res.body.data.auth_token}` },
  });
  t.same(profile.body.data.user.genres.sort(), ['Action', 'Comedy']);

  const again = await post('/auth/signup', { name: 'Joe', email: 'joe@example.COM', password: 'PASS1234' });
  t.equal(again.status, 409);
  t.equal(again.body.error.code, 'EMAIL_TAKEN');
});

t.test('signup validation matrix', async (t) => {
  const good = { name: 'A', email: 'a-matrix@example.com', password: 'PASS1234', genres: [] };
  const cases: Array<[string, object]> = [
    ['missing email', { ...good, email: undefined }],
    ['missing password', { name: 'A', email: 'x@example.com' }],
    ['wrong type', { ...good, name: 42 }],
    ['bad email', { ...good, email: 'not-an-email' }],
    ['short password', { ...good, password: 'short' }],
    ['too long password (1 MB is refused before hashing)', { ...good, password: 'x'.repeat(129) }],
    ['too long name', { ...good, name: 'n'.repeat(101) }],
    ['role (mass assignment)', { ...good, role: 'admin' }],
    ['id (mass assignment)', { ...good, id: '00000000-0000-0000-0000-000000000000' }],
    ['unknown genre', { ...good, genres: [424242] }],
    ['genres not an array', { ...good, genres: 'Action' }],
  ];
  for (const [name, body] of cases) {
    const res = await post('/auth/signup', body);
    t.equal(res.status, 400, name);
    t.equal(res.body.success, false, name);
    t.equal(res.body.error.code, 'INVALID_REQUEST', name);
    t.type(res.body.request_id, 'string', name);
  }
  const bad = await post('/auth/signup', { ...good, role: 'admin' });
  t.same(bad.body.error.details.fields, [{ field: 'role', in: 'body', message: 'is not allowed' }]);
  t.equal(await findCredentialsByEmail(app.em(), good.email), undefined, 'nothing was written');
});

t.test('login: seed 003 shape; wrong password and unknown email look the same', async (t) => {
  const user = await newUser(app);
  const ok = await post('/auth/login', { email: user.email.toUpperCase(), password: user.password });
  t.equal(ok.status, 200);
  t.equal(ok.body.message, 'Login successful');
  t.match(ok.body.data, {
    auth_token: String,
    refresh_token: String,
    expires_in: Number,
    user: { id: user.id, email: user.email },
  });

  const wrong = await post('/auth/login', { email: user.email, password: 'WRONGPASS' });
  const unknown = await post('/auth/login', { email: 'nobody@example.com', password: 'WRONGPASS' });
  t.equal(wrong.status, 401);
  t.equal(unknown.status, 401);
  t.same(wrong.body.error, unknown.body.error);
  t.equal(wrong.body.error.code, 'INVALID_CREDENTIALS');
});

t.test('refresh rotates; a reused refresh token ends the session', async (t) => {
  const user = await newUser(app);
  const first = await post('/auth/refresh-token', { refresh_token: user.refreshToken });
  t.equal(first.status, 200);
  t.equal(first.body.message, 'Token refreshed successfully');
  t.not(first.body.data.refresh_token, user.refreshToken);
  const newAccess = first.body.data.auth_token;

  const reuse = await post('/auth/refresh-token', { refresh_token: user.refreshToken });
  t.equal(reuse.status, 401);
  t.equal(reuse.body.error.code, 'TOKEN_REUSED');

  const afterReuse = await post('/auth/refresh-token', { refresh_token: first.body.data.refresh_token });
  t.equal(afterReuse.status, 401, 'the rotated token died with the session');
  const profile = await call(app, {
    method: 'GET',
    url: '/api/v1/profile',
    headers: { authorization: `Bearer ${newAccess}` },
  });
  t.equal(profile.status, 401, 'access tokens of the session stop working');
});

t.test('two parallel refreshes with one token: exactly one wins, the other is a reuse', async (t) => {
  const user = await newUser(app);
  const results = await Promise.all(
    [1, 2].map(() => post('/auth/refresh-token', { refresh_token: user.refreshToken })),
  );
  const won = results.filter((r) => r.status === 200);
  const lost = results.filter((r) => r.status !== 200);
  t.equal(won.length, 1, 'one refresh succeeds');
  t.match(won[0].body, { success: true, message: 'Token refreshed successfully', data: { refresh_token: String } });
  t.not(won[0].body.data.refresh_token, user.refreshToken);
  t.equal(lost.length, 1);
  t.equal(lost[0].status, 401);
  t.equal(lost[0].body.error.code, 'TOKEN_REUSED', 'the other is answered as a reused token');
});

t.test('seed 003 refresh with only the access token', async (t) => {
  const user = await newUser(app);
  const res = await post('/auth/refresh-token', undefined, user.headers);
  t.equal(res.status, 200);
  t.type(res.body.data.auth_token, 'string');
  const none = await post('/auth/refresh-token');
  t.equal(none.status, 401);
  const garbage = await post('/auth/refresh-token', { refresh_token: 'not-a-token-at-all' });
  t.equal(garbage.status, 401);
});

t.test('logout: the access token stops working at once', async (t) => {
  const user = await newUser(app);
  const out = await post('/auth/logout', undefined, user.headers);
  t.same(out.body, { success: true, message: 'Logged out successfully' });
  const profile = await call(app, { method: 'GET', url: '/api/v1/profile', headers: user.headers });
  t.equal(profile.status, 401);
  const refresh = await post('/auth/refresh-token', { refresh_token: user.refreshToken });
  t.equal(refresh.status, 401);
});

t.test('token checks: type, signature, algorithm', async (t) => {
  const user = await newUser(app);
  const reset = await post('/auth/forgot-password', { email: user.email });
  const asAccess = await call(app, {
    method: 'GET',
    url: '/api/v1/profile',
    headers: { authorization: `Bearer ${reset.body.data.reset_token}` },
  });
  t.equal(asAccess.status, 401, 'a reset token is not an access token');
  const asReset = await post('/auth/forgot-password/verify', { otp_code: '123456' }, user.headers);
  t.equal(asReset.status, 401, 'an access token is not a reset token');

  const [h, p] = user.token.split('.');
  const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'admin' })).toString('base64url')}.${user.token.split('.')[2]}`;
  t.equal(
    (await call(app, { method: 'GET', url: '/api/v1/profile', headers: { authorization: `Bearer ${tampered}` } }))
      .status,
    401,
  );
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
  t.equal(
    (await call(app, { method: 'GET', url: '/api/v1/profile', headers: { authorization: `Bearer ${none}` } })).status,
    401,
  );
  t.equal(
    (await call(app, { method: 'GET', url: '/api/v1/profile', headers: { authorization: 'Basic abc' } })).status,
    401,
  );
});

// Last in the file: it moves the app's clock a month on.
t.test('a refresh token expires after REFRESH_TOKEN_TTL (30 days by default)', async (t) => {
  const early = await newUser(app);
  const late = await newUser(app);
  clock.advance(30 * 86_400_000 - 60_000);
  const within = await post('/auth/refresh-token', { refresh_token: early.refreshToken });
  t.equal(within.status, 200, 'a minute before the end it still rotates');
  clock.advance(120_000);
  const expired = await post('/auth/refresh-token', { refresh_token: late.refreshToken });
  t.equal(expired.status, 401);
  t.equal(expired.body.error.code, 'TOKEN_EXPIRED', 'a minute after the end it is refused');
  const rotated = await post('/auth/refresh-token', { refresh_token: within.body.data.refresh_token });
  t.equal(rotated.body.error.code, 'TOKEN_EXPIRED', 'rotation does not extend the session');
});
