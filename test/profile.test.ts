// The account profile (seed 003): read, update, change password, login sessions and remote sign-out.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';

const app = await buildTestApp(t);
const req = (method: 'GET' | 'POST' | 'DELETE', url: string, headers: object, payload?: object) =>
  call(app, { method, url: `/api/v1${url}`, headers: headers as Record<string, string>, payload });

t.test('GET /profile in the seed 003 shape; needs a token', async (t) => {
  const user = await newUser(app, { name: 'Joe Doe', genres: [28] });
  const res = await req('GET', '/profile', user.headers);
  t.equal(res.status, 200);
  t.match(res.body, {
    success: true,
    data: {
      user: {
        id: user.id,
        name: 'Joe Doe',
        email: user.email,
        genres: ['Action'],
        maturity_filter: 'all',
        preferred_language: 'en',
      },
    },
  });
  const anon = await req('GET', '/profile', {});
  t.equal(anon.status, 401);
  t.match(anon.body, { success: false, error: { code: 'UNAUTHORIZED' } });
});

t.test('POST /profile updates only what is sent', async (t) => {
  const user = await newUser(app);
  const res = await req('POST', '/profile', user.headers, {
    name: 'New Name',
    genres: [1, 2].map(() => 35),
    maturity_filter: 'teen',
    preferred_language: 'es',
  });
  t.equal(res.status, 400, 'duplicate genre ids are refused');
  const ok = await req('POST', '/profile', user.headers, {
    name: 'New Name',
    genres: [35, 18],
    maturity_filter: 'teen',
    preferred_language: 'es',
  });
  t.equal(ok.status, 200);
  t.match(ok.body.data.user, { name: 'New Name', maturity_filter: 'teen', preferred_language: 'es' });
  t.same(ok.body.data.user.genres, ['Comedy', 'Drama']);
  const email = await req('POST', '/profile', user.headers, { email: `renamed-${user.email}` });
  t.equal(email.body.data.user.email, `renamed-${user.email}`);
  t.equal(email.body.data.user.name, 'New Name', 'untouched fields stay');

  const other = await newUser(app);
  const taken = await req('POST', '/profile', user.headers, { email: other.email });
  t.equal(taken.status, 409);
});

t.test('POST /profile validation matrix', async (t) => {
  const user = await newUser(app);
  const cases: Array<[string, object]> = [
    ['empty body', {}],
    ['role', { role: 'admin' }],
    ['id', { id: user.id }],
    ['bad maturity', { maturity_filter: 'everything' }],
    ['bad language', { preferred_language: 'english' }],
    ['long name', { name: 'x'.repeat(101) }],
    ['wrong type', { name: ['a'] }],
    ['unknown genre', { genres: [999999] }],
  ];
  for (const [name, body] of cases) {
    const res = await req('POST', '/profile', user.headers, body);
    t.equal(res.status, 400, name);
    t.equal(res.body.error.code, 'INVALID_REQUEST', name);
  }
  const role = await app.em().execute('select role from users where id = ?', [user.id]);
  t.equal(role[0].role, 'user');
});

t.test('change password: old one checked, fresh token, other sessions end', async (t) => {
  const user = await newUser(app);
  const second = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: user.email, password: user.password },
  });
  const otherHeaders = { authorization: `Bearer ${second.body.data.auth_token}` };

  const wrong = await req('POST', '/profile/change-password', user.headers, {
    old_password: 'nope-nope',
    new_password: 'NEWPASS123',
  });
  t.equal(wrong.status, 401);
  t.equal(wrong.body.error.code, 'INVALID_CREDENTIALS');

  const ok = await req('POST', '/profile/change-password', user.headers, {
    old_password: user.password,
    new_password: 'NEWPASS123',
  });
  t.equal(ok.status, 200);
  t.equal(ok.body.message, 'Password changed successfully');
  t.type(ok.body.data.auth_token, 'string');
  t.equal(
    (await req('GET', '/profile', { authorization: `Bearer ${ok.body.data.auth_token}` })).status,
    200,
    'fresh token works',
  );
  t.equal((await req('GET', '/profile', user.headers)).status, 200, 'this session stays');
  t.equal((await req('GET', '/profile', otherHeaders)).status, 401, 'other sessions ended');
  t.equal(
    (
      await call(app, {
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: 'NEWPASS123' },
      })
    ).status,
    200,
  );
});

t.test('sessions: list and remote sign-out; another account cannot touch them', async (t) => {
  const user = await newUser(app);
  const phone = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { 'user-agent': 'okhttp/4.12' },
    payload: { email: user.email, password: user.password, device_name: 'Pixel 9' },
  });
  const phoneHeaders = { authorization: `Bearer ${phone.body.data.auth_token}` };
  const list = await req('GET', '/profile/sessions', user.headers);
  t.equal(list.body.data.sessions.length, 2);
  const phoneSession = list.body.data.sessions.find((s: { device_name: string }) => s.device_name === 'Pixel 9');
  t.match(phoneSession, { platform: 'mobile-app', current: false, ip_address: '127.0.0.1' });
  t.equal(list.body.data.sessions.filter((s: { current: boolean }) => s.current).length, 1);

  const intruder = await newUser(app);
  const foreign = await req('DELETE', `/profile/sessions/${phoneSession.id}`, intruder.headers);
  t.equal(foreign.status, 404);
  t.equal((await req('GET', '/profile', phoneHeaders)).status, 200, 'still signed in');

  const out = await req('DELETE', `/profile/sessions/${phoneSession.id}`, user.headers);
  t.equal(out.status, 200);
  t.equal((await req('GET', '/profile', phoneHeaders)).status, 401, 'signed out remotely');
  t.equal((await req('DELETE', '/profile/sessions/not-a-uuid', user.headers)).status, 400);
});
