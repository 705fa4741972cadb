// Rate limits by class: each class has its own budget and window, per user (per IP when anonymous),
// heartbeats count as streaming, costs above 1 (fixed and per request), and the seed 001 / IETF headers.
// Runs in process and, with REDIS_URL, on Redis counters shared by two instances.
import t from 'tap';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, usingRedis } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';

const LIMITS = {
  RATE_LIMIT_AUTH_MAX: '50',
  RATE_LIMIT_CONTENT_MAX: '4',
  RATE_LIMIT_STREAMING_MAX: '6',
  RATE_LIMIT_GENERAL_MAX: '10',
  RATE_LIMIT_SEARCH_MAX: '3',
};

// A batch route of the kind other features add: it weighs by the number of items it carries.
async function batchRoute(app: FastifyInstance): Promise<void> {
  app.post(
    '/api/v1/analytics/test-batch',
    {
      onRequest: app.optionalAuth,
      config: { rateLimitCost: (req) => (req.body as { items: unknown[] }).items.length },
      schema: { body: Type.Object({ items: Type.Array(Type.Integer(), { maxItems: 50 }) }) },
    },
    async () => ({ ok: true }),
  );
}

t.test('classes count apart: heartbeats spend the streaming budget, not the content budget', async (t) => {
  const app = await buildTestApp(t, LIMITS);
  const user = await newUser(app);
  const browse = () => call(app, { method: 'GET', url: '/api/v1/content/browse', headers: user.headers });
  const first = await browse();
  t.equal(first.status, 200);
  t.equal(first.headers['x-ratelimit-limit'], '4', 'content budget');
  t.equal(first.headers['x-ratelimit-remaining'], '3');
  const heartbeat = { position: 10, duration: 3600 };
  for (let i = 0; i < 6; i++) {
    const r = await call(app, {
      method: 'PUT',
      url: '/api/v1/streaming/m999999/progress',
      headers: user.headers,
      payload: heartbeat,
    });
    t.not(r.status, 429, `heartbeat ${i + 1} within the streaming budget`);
    t.equal(r.headers['x-ratelimit-limit'], '6', 'streaming budget');
  }
  const over = await call(app, {
    method: 'PUT',
    url: '/api/v1/streaming/m999999/progress',
    headers: user.headers,
    payload: heartbeat,
  });
  t.equal(over.status, 429, 'the 7th heartbeat is over the streaming budget');
  t.match(over.body, { success: false, error: { code: 'RATE_LIMITED', details: { class: 'streaming' } } });
  const after = await browse();
  t.equal(after.status, 200, 'browse still has its own budget');
  t.equal(after.headers['x-ratelimit-remaining'], '2');
});

t.test('per user; anonymous callers per IP; 429 with Retry-After and an epoch-second reset', async (t) => {
  const app = await buildTestApp(t, LIMITS);
  const [a, b] = [await newUser(app), await newUser(app)];
  const get = (headers: Record<string, string>, ip = '198.51.100.1') =>
    call(app, { method: 'GET', url: '/api/v1/content/trending', headers, remoteAddress: ip });
  const before = Math.floor(Date.now() / 1000);
  const replies = [];
  for (let i = 0; i < 5; i++) replies.push(await get(a.headers));
  t.same(
    replies.map((r) => r.status),
    [200, 200, 200, 200, 429],
  );
  const reset = Number(replies[0].headers['x-ratelimit-reset']);
  t.ok(reset >= before + 3599 && reset <= before + 3601, 'X-RateLimit-Reset is the epoch second the hour ends');
  t.equal(replies[0].headers['ratelimit-policy'], '"content";q=4;w=3600');
  t.match(replies[1].headers.ratelimit, /^"content";r=2;t=\d+$/);
  const retry = Number(replies[4].headers['retry-after']);
  t.ok(retry > 3500 && retry <= 3600, 'Retry-After: the seconds left in the window');
  t.equal((await get(b.headers)).status, 200, 'another user on the same IP has a budget of their own');
  for (let i = 0; i < 4; i++) t.equal((await get({}, '198.51.100.2')).status, 200);
  t.equal((await get({}, '198.51.100.2')).status, 429, 'anonymous: counted per IP');
  t.equal((await get({}, '198.51.100.3')).status, 200, 'another IP');
});

t.test('costs: recommendations cost 2, a per-request cost weighs a batch by its size', async (t) => {
  const app = await buildTestApp(t, { ...LIMITS, RATE_LIMIT_ANALYTICS_MAX: '10' }, { extend: batchRoute });
  const user = await newUser(app);
  const recs = await call(app, { method: 'GET', url: '/api/v1/recommendations/trending', headers: user.headers });
  t.not(recs.status, 429);
  t.equal(recs.headers['x-ratelimit-remaining'], '8', 'general budget 10, one recommendation call costs 2');
  const batch = (n: number) =>
    call(app, {
      method: 'POST',
      url: '/api/v1/analytics/test-batch',
      headers: user.headers,
      payload: { items: Array.from({ length: n }, (_, i) => i) },
    });
  const seven = await batch(7);
  t.equal(seven.status, 200);
  t.equal(seven.headers['x-ratelimit-remaining'], '3', 'a batch of 7 used 7 units');
  t.equal((await batch(4)).status, 429, '4 more is over the budget of 10');
});

t.test('search keeps its own class (seed 003: 30 a minute) on both search routes', async (t) => {
  const app = await buildTestApp(t, LIMITS);
  const user = await newUser(app);
  const statuses = [];
  for (const url of ['/api/v1/search?q=a', '/api/v1/movies/search?q=a', '/api/v1/search?q=b', '/api/v1/search?q=c'])
    statuses.push((await call(app, { method: 'GET', url, headers: user.headers })).status);
  t.same(statuses, [200, 200, 200, 429]);
});

t.test('with Redis, every instance shares the counters', { skip: !usingRedis && 'needs REDIS_URL' }, async (t) => {
  const prefix = `t:${process.pid}:shared:${Math.random().toString(36).slice(2, 8)}:`;
  const env = { ...LIMITS, REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: prefix };
  const [one, two] = [await buildTestApp(t, env), await buildTestApp(t, env)];
  const get = (app: FastifyInstance) =>
    call(app, { method: 'GET', url: '/api/v1/content/trending', remoteAddress: '198.51.100.9' });
  t.same(
    [(await get(one)).status, (await get(two)).status, (await get(one)).status, (await get(two)).status],
    [200, 200, 200, 200],
  );
  t.equal((await get(one)).status, 429, 'the fifth call across both instances is over the budget');
});
