// Redis of the test's own killed with SIGKILL: what README's degraded mode says degrades, degrades that way.
// Rate limits are counted in Redis while it is up (a budget runs out), fail open while it is down (requests
// are served, uncounted, never a 500), and are counted again once it is back; failed-login blocking goes on
// per instance meanwhile. (dependency-outage covers reads, login, sign-out and readiness.)
import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { call, newUser } from '../helpers/factories.ts';
import { startRedis } from './support.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('Redis killed: rate limits fail open, login blocking stays per instance, counting resumes', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.kill());
  const app = await buildTestApp(t, {
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: 'redis-kill:',
    REDIS_TIMEOUT_MS: '300',
    RATE_LIMIT_CONTENT_MAX: '4',
    LOGIN_BLOCK_THRESHOLD: '3',
  });
  const trending = (headers: Record<string, string>, ip: string) =>
    call(app, { method: 'GET', url: '/api/v1/content/trending', headers, remoteAddress: ip });
  const badLogin = (email: string, ip: string) =>
    call(app, {
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: 'wrong-password-1' },
      remoteAddress: ip,
    });
  const user = await newUser(app);

  const up: number[] = [];
  for (let i = 0; i < 5; i++) up.push((await trending(user.headers, '198.51.100.10')).status);
  t.same(up, [200, 200, 200, 200, 429], 'with Redis up the budget of 4 runs out');
  const blockedUp: number[] = [];
  for (let i = 0; i < 4; i++) blockedUp.push((await badLogin(user.email, '198.51.100.20')).status);
  t.same(blockedUp, [401, 401, 401, 403], 'with Redis up the third failed login blocks the IP');

  await redis.kill();
  await sleep(100);
  const other = await newUser(app);
  const down: number[] = [];
  const started = Date.now();
  for (let i = 0; i < 8; i++) down.push((await trending(other.headers, '198.51.100.11')).status);
  t.same(down, [200, 200, 200, 200, 200, 200, 200, 200], 'fail open: served, uncounted, never a 500');
  t.ok(Date.now() - started < 3000, `8 answers in ${Date.now() - started} ms: none waits for Redis`);
  const blockedDown: number[] = [];
  for (let i = 0; i < 4; i++) blockedDown.push((await badLogin(other.email, '198.51.100.21')).status);
  t.same(blockedDown, [401, 401, 401, 403], 'failed logins still block the IP, counted by this instance');
  const still = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: other.email, password: other.password },
    remoteAddress: '198.51.100.21',
  });
  t.equal(still.status, 403, 'even with the right password, while blocked');
  t.equal(still.body.error.code, 'IP_BLOCKED');

  await redis.start();
  let ready = 0;
  const back = Date.now();
  while (Date.now() - back < 10_000) {
    if ((await call(app, { method: 'GET', url: '/readyz' })).status === 200) {
      ready = Date.now() - back;
      break;
    }
    await sleep(100);
  }
  t.ok(Date.now() - back < 10_000, `ready ${ready} ms after Redis came back`);
  const third = await newUser(app);
  const again: number[] = [];
  for (let i = 0; i < 5; i++) again.push((await trending(third.headers, '198.51.100.12')).status);
  t.same(again, [200, 200, 200, 200, 429], 'counted in Redis again: the budget runs out');
});
