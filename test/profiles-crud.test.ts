// Viewer profiles: CRUD at /profiles and /users/profiles, the 5-profile limit, the last profile, validation,
// cross-account access (404, nothing changes), and the PIN (select, attempt limit, lock, per-session unlock).
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { testClock } from './helpers/clock.ts';
import { call, newUser, type TestUser } from './helpers/factories.ts';

const clock = testClock();
const app = await buildTestApp(t, {}, { clock });
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const req = (method: Method, url: string, headers: object, payload?: object) =>
  call(app, { method, url: `/api/v1${url}`, headers: headers as Record<string, string>, payload });
const profilesOf = async (user: TestUser) =>
  (await req('GET', '/profiles', user.headers)).body.data.profiles as Array<Record<string, unknown>>;
const login = async (user: TestUser) => {
  const res = await req('POST', '/auth/login', {}, { email: user.email, password: user.password });
  return { authorization: `Bearer ${res.body.data.auth_token}` };
};

t.test('the first profile exists at signup; both paths serve the same list', async (t) => {
  const user = await newUser(app, { name: 'Joe Doe' });
  const a = await req('GET', '/profiles', user.headers);
  const b = await req('GET', '/users/profiles', user.headers);
  t.equal(a.status, 200);
  t.same(a.body, b.body);
  t.equal(a.body.data.profiles.length, 1);
  t.match(a.body.data.profiles[0], {
    name: 'Joe Doe',
    avatar_url: null,
    is_kids: false,
    language: 'en-US',
    maturity_rating: 'TV-MA',
    has_pin: false,
  });
  t.equal((await req('GET', '/profiles', {})).status, 401);
});

t.test('create, update and delete; at most 5; never the last one', async (t) => {
  const user = await newUser(app);
  const created = await req('POST', '/users/profiles', user.headers, {
    name: 'Kids',
    is_kids: true,
    avatar_url: 'https://cdn.example.com/a.png',
    language: 'pt-BR',
  });
  t.equal(created.status, 201);
  t.match(created.body.data.profile, {
    name: 'Kids',
    is_kids: true,
    maturity_rating: 'TV-Y7',
    language: 'pt-BR',
    avatar_url: 'https://cdn.example.com/a.png',
    has_pin: false,
  });
  const id = created.body.data.profile.id;
  const updated = await req('PUT', `/profiles/${id}`, user.headers, {
    name: 'Little ones',
    maturity_rating: 'G',
    avatar_url: null,
  });
  t.equal(updated.status, 200);
  t.match(updated.body.data.profile, {
    id,
    name: 'Little ones',
    maturity_rating: 'G',
    avatar_url: null,
    is_kids: true,
    language: 'pt-BR',
  });

  for (let i = 0; i < 3; i++) t.equal((await req('POST', '/profiles', user.headers, { name: `P${i}` })).status, 201);
  const sixth = await req('POST', '/profiles', user.headers, { name: 'Sixth' });
  t.equal(sixth.status, 409);
  t.equal(sixth.body.error.code, 'PROFILE_LIMIT_REACHED');
  t.equal((await profilesOf(user)).length, 5);

  const all = await profilesOf(user);
  for (const p of all.slice(1)) t.equal((await req('DELETE', `/users/profiles/${p.id}`, user.headers)).status, 200);
  const last = await req('DELETE', `/profiles/${all[0].id}`, user.headers);
  t.equal(last.status, 409, 'the last profile stays');
  t.equal((await profilesOf(user)).length, 1);
});

t.test('parallel creates never pass the limit', async (t) => {
  const user = await newUser(app);
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) => req('POST', '/profiles', user.headers, { name: `C${i}` })),
  );
  t.equal(results.filter((r) => r.status === 201).length, 4);
  t.equal(results.filter((r) => r.status === 409).length, 4);
  t.equal((await profilesOf(user)).length, 5);
});

t.test('validation matrix', async (t) => {
  const user = await newUser(app);
  const id = (await profilesOf(user))[0].id;
  const bad: Array<[string, object]> = [
    ['missing name', {}],
    ['empty name', { name: '' }],
    ['blank name', { name: '   ' }],
    ['long name', { name: 'x'.repeat(51) }],
    ['wrong type', { name: 42 }],
    ['extra field', { name: 'A', user_id: user.id }],
    ['http avatar', { name: 'A', avatar_url: 'http://cdn.example.com/a.png' }],
    ['not a url', { name: 'A', avatar_url: 'javascript:alert(1)' }],
    ['long avatar', { name: 'A', avatar_url: `https://x.example.com/${'a'.repeat(500)}` }],
    ['bad maturity', { name: 'A', maturity_rating: 'XXX' }],
    ['bad language', { name: 'A', language: 'english' }],
    ['short pin', { name: 'A', pin: '123' }],
    ['letters pin', { name: 'A', pin: 'abcd' }],
    ['numeric pin', { name: 'A', pin: 1234 }],
    ['is_kids string', { name: 'A', is_kids: 'yes' }],
  ];
  for (const [name, body] of bad) {
    const res = await req('POST', '/profiles', user.headers, body);
    t.equal(res.status, 400, `POST ${name}`);
    t.equal(res.body.error?.code, 'INVALID_REQUEST', name);
  }
  t.equal((await req('PUT', `/profiles/${id}`, user.headers, {})).status, 400, 'PUT empty body');
  t.equal((await req('PUT', `/profiles/${id}`, user.headers, { position: 3 })).status, 400, 'PUT extra field');
  t.equal((await req('PUT', '/profiles/not-a-uuid', user.headers, { name: 'A' })).status, 400, 'PUT bad id');
  t.equal((await req('DELETE', '/profiles/123', user.headers)).status, 400, 'DELETE bad id');
  t.equal(
    (await req('PUT', `/profiles/${crypto.randomUUID()}`, user.headers, { name: 'A' })).status,
    404,
    'PUT unknown id',
  );
  t.equal((await profilesOf(user)).length, 1, 'nothing was created');
});

t.test('another account’s profile is 404 for every verb and nothing changes', async (t) => {
  const a = await newUser(app);
  const b = await newUser(app);
  const extra = await req('POST', '/profiles', b.headers, { name: 'B2' });
  const target = extra.body.data.profile.id;
  const before = await profilesOf(b);
  const attempts: Array<[Method, string, object?]> = [
    ['PUT', `/profiles/${target}`, { name: 'Hacked', pin: '0000' }],
    ['PUT', `/users/profiles/${target}`, { is_kids: true }],
    ['DELETE', `/profiles/${target}`],
    ['DELETE', `/users/profiles/${target}`],
    ['POST', `/profiles/${target}/select`, {}],
    ['POST', `/users/profiles/${target}/select`, { pin: '1234' }],
  ];
  for (const [method, url, body] of attempts) {
    const res = await req(method, url, a.headers, body);
    t.equal(res.status, 404, `${method} ${url}`);
    t.equal(res.body.error.code, 'NOT_FOUND');
  }
  t.same(await profilesOf(b), before, 'B sees its profiles unchanged');
  t.equal(
    (await req('GET', '/movies/favourites', { ...a.headers, 'x-profile-id': target })).status,
    404,
    'X-Profile-Id of another account',
  );
});

t.test(
  'PIN: select checks it, 5 wrong PINs lock for 15 minutes, the unlock belongs to the login session',
  async (t) => {
    const user = await newUser(app);
    const res = await req('POST', '/profiles', user.headers, { name: 'Grown-ups', pin: '4321' });
    t.equal(res.status, 201);
    t.equal(res.body.data.profile.has_pin, true);
    t.notOk(JSON.stringify(res.body).includes('4321'), 'the PIN is never echoed');
    const id = res.body.data.profile.id;
    const as = (headers: object) => ({ ...headers, 'x-profile-id': id });

    const locked = await req('GET', '/movies/favourites', as(user.headers));
    t.equal(locked.status, 403, 'acting for a PIN profile before select');
    t.equal(locked.body.error.code, 'PIN_REQUIRED');
    t.equal(
      (await req('GET', `/profiles/${id}/watchlist`, user.headers)).body.error?.code,
      'PIN_REQUIRED',
      'path routes too',
    );
    t.equal(
      (await req('PUT', `/profiles/${id}`, user.headers, { pin: null })).body.error?.code,
      'PIN_REQUIRED',
      'cannot remove the PIN without it',
    );

    const wrong = await req('POST', `/profiles/${id}/select`, user.headers, { pin: '0000' });
    t.equal(wrong.status, 403);
    t.equal(wrong.body.error.code, 'INVALID_PIN');
    t.equal(wrong.body.error.details.attempts_left, 4);
    t.equal(
      (await req('POST', `/profiles/${id}/select`, user.headers, {})).body.error?.code,
      'INVALID_PIN',
      'a missing PIN is a wrong PIN',
    );

    const ok = await req('POST', `/profiles/${id}/select`, user.headers, { pin: '4321' });
    t.equal(ok.status, 200);
    t.equal((await req('GET', '/movies/favourites', as(user.headers))).status, 200, 'unlocked on this session');
    t.equal((await req('GET', `/profiles/${id}/history`, user.headers)).status, 200);

    const other = await login(user);
    t.equal(
      (await req('GET', '/movies/favourites', as(other))).body.error?.code,
      'PIN_REQUIRED',
      'another login session needs the PIN too',
    );

    for (let i = 1; i <= 4; i++)
      t.equal(
        (await req('POST', `/profiles/${id}/select`, other, { pin: '1111' })).body.error.code,
        'INVALID_PIN',
        `wrong PIN ${i}`,
      );
    const fifth = await req('POST', `/profiles/${id}/select`, other, { pin: '1111' });
    t.equal(fifth.body.error.code, 'PROFILE_LOCKED', 'the 5th wrong PIN locks');
    t.ok(fifth.body.error.details.locked_until);
    const during = await req('POST', `/profiles/${id}/select`, other, { pin: '4321' });
    t.equal(during.status, 403);
    t.equal(during.body.error.code, 'PROFILE_LOCKED', 'even the right PIN waits out the lock');

    clock.advance(15 * 60_000 + 1000); // the 15-minute lock is over
    t.equal(
      (await req('POST', `/profiles/${id}/select`, other, { pin: '4321' })).status,
      200,
      'after the lock the right PIN works',
    );

    // Changing the PIN on one session ends the other session's unlock.
    t.equal((await req('PUT', `/profiles/${id}`, user.headers, { pin: '9999' })).status, 200);
    t.equal((await req('GET', '/movies/favourites', as(other))).body.error?.code, 'PIN_REQUIRED');
    t.equal(
      (await req('GET', '/movies/favourites', as(user.headers))).status,
      200,
      'the changing session stays unlocked',
    );
    const removed = await req('PUT', `/profiles/${id}`, user.headers, { pin: null });
    t.equal(removed.body.data.profile.has_pin, false);
    t.equal((await req('GET', '/movies/favourites', as(other))).status, 200, 'no PIN, no unlock needed');
  },
);

t.test('parallel wrong PINs never get more than 5 guesses', async (t) => {
  const user = await newUser(app);
  const id = (await req('POST', '/profiles', user.headers, { name: 'P', pin: '2468' })).body.data.profile.id;
  const results = await Promise.all(
    Array.from({ length: 12 }, () => req('POST', `/profiles/${id}/select`, user.headers, { pin: '0000' })),
  );
  t.ok(results.every((r) => r.status === 403));
  t.ok(results.filter((r) => r.body.error.code === 'INVALID_PIN').length <= 4);
  t.equal(
    (await req('POST', `/profiles/${id}/select`, user.headers, { pin: '2468' })).body.error.code,
    'PROFILE_LOCKED',
  );
});
