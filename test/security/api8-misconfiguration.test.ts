// OWASP API8 (security misconfiguration) and input hardening: NUL characters and prototype keys are refused
// at validation (on PostgreSQL a NUL used to be a 500), errors never carry internals, nothing is exposed
// at well-known paths.
import t from 'tap';

type Tap = Pick<typeof t, 'equal' | 'match'>;
import { signup, startServer } from './support.ts';

const server = await startServer(t, {
  METRICS_TOKEN: 'metrics-token-0123456789abcdef',
  CORS_ORIGINS: 'https://app.example.com',
});
const { req } = server;
const admin = await signup(server, true);
const user = await signup(server);

const refusedNul = (t: Tap, res: { status: number; body: any }, field: string) => {
  t.equal(res.status, 400);
  t.equal(res.body.error.code, 'INVALID_REQUEST');
  t.match(res.body.error.details.fields, [{ field, message: /NUL/ }]);
};

t.test('%00 in a query string or a path is a 400 at validation', async (t) => {
  t.equal((await req('GET', '/api/v1/search?q=abcd', { token: user.token })).status, 200);
  refusedNul(t, await req('GET', '/api/v1/search?q=ab%00cd', { token: user.token }), 'q');
  t.equal((await req('GET', '/api/v1/admin/content?q=abc', { token: admin.token })).status, 200);
  refusedNul(t, await req('GET', '/api/v1/admin/content?q=%00', { token: admin.token }), 'q');
  t.equal((await req('GET', '/api/v1/movies/search?q=matrix', { token: user.token })).status, 200);
  refusedNul(t, await req('GET', '/api/v1/movies/search?q=ma%00trix', { token: user.token }), 'q');
  t.equal((await req('GET', '/api/v1/content/m999999', { token: user.token })).status, 404);
  refusedNul(t, await req('GET', '/api/v1/content/m99%0099', { token: user.token }), 'path');
});

t.test('\\u0000 in any JSON string is a 400 at validation', async (t) => {
  const email = `nul-${Date.now()}@example.com`;
  refusedNul(
    t,
    await req('POST', '/api/v1/auth/signup', { json: { name: 'Nul\u0000Name', email, password: 'PASS1234x' } }),
    'name',
  );
  t.equal(
    (await req('POST', '/api/v1/auth/signup', { json: { name: 'Plain', email, password: 'PASS1234x' } })).status,
    201,
  );

  t.equal((await req('POST', '/api/v1/profile', { token: user.token, json: { name: 'Renamed' } })).status, 200);
  refusedNul(t, await req('POST', '/api/v1/profile', { token: user.token, json: { name: 'Re\u0000named' } }), 'name');

  const kid = await req('POST', '/api/v1/profiles', { token: user.token, json: { name: 'Kid' } });
  t.equal(kid.status, 201);
  refusedNul(t, await req('POST', '/api/v1/profiles', { token: user.token, json: { name: 'K\u0000id' } }), 'name');

  const title = { type: 'movie', title: 'Nul test', certification: 'PG' };
  t.equal((await req('POST', '/api/v1/admin/content', { token: admin.token, json: title })).status, 201);
  refusedNul(
    t,
    await req('POST', '/api/v1/admin/content', {
      token: admin.token,
      json: { ...title, title: 'Nul test 2', directors: ['Ann', 'B\u0000b'] },
    }),
    '1',
  );
  // A NUL in a key, and an escaped backslash followed by "u0000" (a legal 6-character text, not a NUL).
  refusedNul(t, await req('POST', '/api/v1/profile', { token: user.token, raw: '{"na\\u0000me":"x"}' }), 'name');
  const literal = await req('POST', '/api/v1/profile', { token: user.token, raw: '{"name":"back\\\\u0000slash"}' });
  t.equal(literal.status, 200);
  t.equal(literal.body.data.user.name, 'back\\u0000slash');
});

t.test('__proto__, constructor and prototype keys are refused, not dropped', async (t) => {
  const ok = await req('POST', '/api/v1/auth/login', { json: { email: user.email, password: user.password } });
  t.equal(ok.status, 200);
  for (const raw of [
    `{"email":"${user.email}","password":"${user.password}","__proto__":{"role":"admin"}}`,
    `{"email":"${user.email}","password":"${user.password}","constructor":{"prototype":{"role":"admin"}}}`,
    `{"email":"${user.email}","password":"${user.password}","\\u005f_proto__":{"role":"admin"}}`,
  ]) {
    const res = await req('POST', '/api/v1/auth/login', { raw });
    t.equal(res.status, 400, raw);
    t.equal(res.body.error.code, 'INVALID_REQUEST');
  }
  const nested = await req('POST', '/api/v1/profile', {
    token: user.token,
    raw: '{"name":"Deep","genres":[],"x":{"__proto__":{"polluted":true}}}',
  });
  t.equal(nested.status, 400);
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched');
});

t.test('errors never carry stack, SQL or driver text', async (t) => {
  const cases = [
    await req('GET', '/api/v1/profiles/not-a-uuid', { token: user.token }),
    await req('GET', '/api/v1/movies/popular?page=99999999999999999999', { token: user.token }),
    await req('POST', '/api/v1/profiles', { token: user.token, raw: '{"name": ' }),
    await req('POST', '/api/v1/profiles', { token: user.token, json: { name: 42 } }),
    await req('POST', '/api/v1/movies/ratings', {
      token: user.token,
      json: { movie_id: 'x'.repeat(300), rating: 1e308 },
    }),
  ];
  for (const res of cases) {
    t.ok(res.status >= 400 && res.status < 500, `${res.status} ${res.text.slice(0, 80)}`);
    t.equal(res.body.success, false);
    t.notMatch(res.text, /at .*\.ts:\d+|select |insert |pg_|postgres|mikro|kysely|stack/i);
  }
});

t.test('nothing is exposed at well-known paths', async (t) => {
  t.equal((await req('GET', '/api/v1/system/health')).status, 200);
  for (const path of ['/.env', '/.git/config', '/app.ts', '/package.json', '/api/v1/../.env', '/app.js.map']) {
    const res = await req('GET', path);
    t.equal(res.status, 404, path);
    t.notMatch(res.text, /JWT_SECRET|DATABASE_URL|"dependencies"/);
  }
  t.equal((await req('GET', '/metrics', { token: 'metrics-token-0123456789abcdef' })).status, 200);
  const noToken = await req('GET', '/metrics');
  t.equal(noToken.status, 401);
  t.equal(noToken.body.error.code, 'UNAUTHORIZED');
  t.equal((await req('GET', '/metrics', { token: 'metrics-token-0123456789abcdeX' })).status, 401);
});

t.test('CORS answers only the listed origin, never a look-alike', async (t) => {
  const preflight = (origin: string) =>
    req('OPTIONS', '/api/v1/movies/popular', { headers: { origin, 'access-control-request-method': 'GET' } });
  const allowed = await preflight('https://app.example.com');
  t.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example.com');
  t.equal(allowed.headers.get('access-control-allow-credentials'), null, 'no credentials mode');
  for (const origin of [
    'https://app.example.com.evil.com',
    'https://evilapp.example.com',
    'https://app.example.co',
    'http://app.example.com',
    'https://APP.EXAMPLE.COM.evil',
    'null',
    'https://app.example.com%60.evil.com',
  ]) {
    const res = await preflight(origin);
    t.equal(res.headers.get('access-control-allow-origin'), null, origin);
    const simple = await req('GET', '/api/v1/system/health', { headers: { origin } });
    t.equal(simple.headers.get('access-control-allow-origin'), null, `${origin} (simple request)`);
  }
});
