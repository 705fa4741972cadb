// Cross-cutting behaviour: health probes, the error envelope, limits on bodies, rate limits with their
// headers, IP blocks after repeated failed logins, security headers and CORS.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';
import { loadConfig } from '../services/config.ts';
import { db } from '../repositories/db.ts';

const app = await buildTestApp(t, {
  RATE_LIMIT_AUTH_MAX: '5',
  LOGIN_BLOCK_THRESHOLD: '8',
  CORS_ORIGINS: 'https://app.example.com',
  BODY_LIMIT: '4096',
});

t.test('health, liveness and readiness', async (t) => {
  const health = await call(app, { method: 'GET', url: '/api/v1/system/health' });
  t.equal(health.status, 200);
  t.match(health.body, {
    status: 'healthy',
    timestamp: String,
    version: '1.0.0',
    checks: { database: 'up', cache: /^up/ },
  });
  t.equal((await call(app, { method: 'GET', url: '/livez' })).status, 200);
  t.match((await call(app, { method: 'GET', url: '/readyz' })).body, { status: 'ready' });
});

t.test('unknown route and bad JSON answer in the envelope, never with internals', async (t) => {
  const missing = await call(app, { method: 'GET', url: '/api/v1/nope' });
  t.equal(missing.status, 404);
  t.match(missing.body, {
    success: false,
    error: { code: 'NOT_FOUND', message: String, details: {} },
    request_id: /^req_/,
  });
  t.equal(missing.headers['x-request-id'], missing.body.request_id);

  const broken = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { 'content-type': 'application/json' },
    payload: '{"email": "a@b.c", ',
  });
  t.equal(broken.status, 400);
  t.equal(broken.body.error.code, 'INVALID_REQUEST');
  t.notMatch(JSON.stringify(broken.body), /at .*\.ts|stack|SyntaxError/);

  const deep = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { 'content-type': 'application/json' },
    payload: '['.repeat(100) + ']'.repeat(100),
  });
  t.equal(deep.status, 400, 'deeply nested JSON refused');

  const big = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(10_000) }),
  });
  t.equal(big.status, 413);
  t.equal(big.body.error.code, 'PAYLOAD_TOO_LARGE');

  const proto = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { 'content-type': 'application/json' },
    payload: '{"email":"a@b.c","password":"x","__proto__":{"admin":true}}',
  });
  t.equal(proto.status, 400, 'the __proto__ key is refused, neither dropped nor honoured');
  t.equal(proto.body.error.code, 'INVALID_REQUEST');
});

t.test('security headers and the CORS allow-list', async (t) => {
  const allowed = await call(app, {
    method: 'OPTIONS',
    url: '/api/v1/profile',
    headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' },
  });
  t.equal(allowed.headers['access-control-allow-origin'], 'https://app.example.com');
  const denied = await call(app, {
    method: 'OPTIONS',
    url: '/api/v1/profile',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
  });
  t.notOk(denied.headers['access-control-allow-origin']);
  const res = await call(app, { method: 'GET', url: '/api/v1/system/health' });
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  t.ok(res.headers['strict-transport-security']);
  // helmet's headers go on every answer, errors and unknown routes included.
  for (const [url, status] of [
    ['/api/v1/profile', 401],
    ['/api/v1/no-such-thing', 404],
    ['/api/v1/movies/popular', 200],
  ] as const) {
    const r = await call(app, { method: 'GET', url });
    t.equal(r.status, status, url);
    t.match(
      r.headers,
      {
        'x-frame-options': 'SAMEORIGIN',
        'x-content-type-options': 'nosniff',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-site',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': /max-age=\d+/,
      },
      `${url} carries the security headers`,
    );
    t.notOk(r.headers['content-security-policy'], 'the JSON API sets no CSP');
  }
});

t.test('auth rate limit: 5 per window per IP, headers and Retry-After', async (t) => {
  const ip = '203.0.113.7';
  const attempts = [];
  for (let i = 0; i < 6; i++) {
    attempts.push(
      await call(app, {
        method: 'POST',
        url: '/api/v1/auth/forgot-password',
        remoteAddress: ip,
        payload: { email: 'x@example.com' },
      }),
    );
  }
  t.equal(attempts[0].headers['x-ratelimit-limit'], '5');
  t.equal(attempts[0].headers['ratelimit-limit'], '5');
  t.equal(attempts[4].headers['x-ratelimit-remaining'], '0');
  t.equal(attempts[5].status, 429);
  t.match(attempts[5].body, { success: false, error: { code: 'RATE_LIMITED' } });
  t.ok(Number(attempts[5].headers['retry-after']) > 0);
  const otherIp = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/forgot-password',
    remoteAddress: '203.0.113.8',
    payload: { email: 'x@example.com' },
  });
  t.equal(otherIp.status, 200, 'limits are per IP');
});

t.test('X-Forwarded-For is ignored without a trusted proxy', async (t) => {
  const ip = '198.51.100.1';
  for (let i = 0; i < 5; i++) {
    await call(app, {
      method: 'POST',
      url: '/api/v1/auth/forgot-password',
      remoteAddress: ip,
      headers: { 'x-forwarded-for': `192.0.2.${i}` },
      payload: { email: 'x@example.com' },
    });
  }
  const blocked = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/forgot-password',
    remoteAddress: ip,
    headers: { 'x-forwarded-for': '192.0.2.99' },
    payload: { email: 'x@example.com' },
  });
  t.equal(blocked.status, 429, 'a spoofed header does not escape the limit');
});

t.test('repeated failed logins block the IP for a while', async (t) => {
  const ip = '198.51.100.50';
  // A second app whose auth rate limit is high, so the block (not the limit) is what answers.
  const strict = await buildTestApp(t, { LOGIN_BLOCK_THRESHOLD: '3', LOGIN_BLOCK_SECONDS: '600' });
  const strictUser = await newUser(strict);
  for (let i = 0; i < 3; i++) {
    const res = await call(strict, {
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: ip,
      payload: { email: strictUser.email, password: 'WRONG-PASS' },
    });
    t.equal(res.status, 401);
  }
  const blocked = await call(strict, {
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: ip,
    payload: { email: strictUser.email, password: strictUser.password },
  });
  t.equal(blocked.status, 403);
  t.equal(blocked.body.error.code, 'IP_BLOCKED');
  const blocks = await db(strict.em())
    .selectFrom('ip_blacklist')
    .select('reason')
    .where('ip_address', '=', ip)
    .execute();
  t.equal(blocks.length, 1, 'the block is recorded in ip_blacklist');
  const elsewhere = await call(strict, {
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: '198.51.100.51',
    payload: { email: strictUser.email, password: strictUser.password },
  });
  t.equal(elsewhere.status, 200, 'other addresses are unaffected');
});

t.test('configuration is validated with messages that name the variable', async (t) => {
  t.throws(() => loadConfig({ PORT: 'abc' }), /PORT/);
  t.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
  t.throws(() => loadConfig({ JWT_SECRET: 'short' }), /JWT_SECRET/);
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), /JWT_SECRET: required in production/);
  t.equal(loadConfig({}).PORT, 3000);
});
