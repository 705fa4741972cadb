// The near tier of session states: instance B answers a signed-in request without asking Redis for the
// session, and still refuses the token at once when the session ends through instance A (logout, remote
// sign-out). Needs a shared Redis and database (REDIS_URL and DATABASE_URL).
import t from 'tap';
import type { NearCache } from '../services/cache/near.ts';
import { buildTestApp, usingPostgres, usingRedis } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';

const skip =
  usingRedis && usingPostgres ? false : 'needs REDIS_URL and DATABASE_URL: two instances share one Redis and database';

t.test('a session ended on instance A is refused on instance B at once', { skip }, async (t) => {
  const env = {
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: `t:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`,
    JWT_SECRET: 'near-cache-test-secret-0123456789abcdef',
  };
  const a = await buildTestApp(t, env);
  const b = await buildTestApp(t, { ...env, DATABASE_URL: a.config.DATABASE_URL });
  const near = b.cache as NearCache;

  for (const end of ['logout', 'remote sign-out'] as const) {
    const user = await newUser(a);
    const profile = { method: 'GET' as const, url: '/api/v1/profile', headers: user.headers };
    t.equal((await call(b, profile)).status, 200, `${end}: signed in on B`);
    const held = near.nearSize();
    t.ok(held > 0, `${end}: B holds ${held} session states near`);
    t.equal((await call(b, profile)).status, 200, `${end}: answered from the near tier`);

    if (end === 'logout') {
      const out = await call(a, {
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: user.headers,
        payload: { refresh_token: user.refreshToken },
      });
      t.equal(out.status, 200);
    } else {
      const other = await call(a, {
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: user.password },
      });
      const otherHeaders = { authorization: `Bearer ${other.body.data.auth_token}` };
      const sessions = await call(a, { method: 'GET', url: '/api/v1/profile/sessions', headers: otherHeaders });
      t.equal(sessions.status, 200);
      const first = sessions.body.data.sessions.find((s: { current: boolean }) => !s.current);
      const revoked = await call(a, {
        method: 'DELETE',
        url: `/api/v1/profile/sessions/${first.id}`,
        headers: otherHeaders,
      });
      t.equal(revoked.status, 200);
    }
    // The invalidation travels over Redis pub/sub: give it the time of one round trip, no cache TTL.
    let status = 0;
    for (let i = 0; i < 20 && status !== 401; i++) {
      status = (await call(b, profile)).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    t.equal(status, 401, `${end}: refused on B`);
  }
});
