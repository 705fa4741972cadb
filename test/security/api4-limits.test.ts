// OWASP API4 (unrestricted resource consumption): page and limit bounds, body size, JSON depth and key
// count, oversized strings answered fast, and slow-header clients cut off by the server's timeouts.
import net from 'node:net';
import t from 'tap';
import { signup, startServer } from './support.ts';

const server = await startServer(t, { HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_REQUEST_TIMEOUT_MS: '1000' });
const { req } = server;
const user = await signup(server);

t.test('page and limit are bounded', async (t) => {
  const ok = await req('GET', '/api/v1/movies/popular?page=1&limit=20', { token: user.token });
  t.equal(ok.status, 200);
  t.equal(ok.body.data.pagination.limit, 20);
  for (const query of [
    'limit=0',
    'limit=-1',
    'limit=101',
    'limit=1000000',
    'page=0',
    'page=10001',
    'page=1e9',
    'limit=abc',
  ]) {
    const res = await req('GET', `/api/v1/movies/popular?${query}`, { token: user.token });
    t.equal(res.status, 400, query);
    t.equal(res.body.error.code, 'INVALID_REQUEST', query);
  }
  t.equal(
    (await req('GET', '/api/v1/profiles/00000000-0000-4000-8000-000000000000/history?limit=50', { token: user.token }))
      .status,
    404,
  );
  t.equal((await req('GET', '/api/v1/profile/notifications?limit=100000', { token: user.token })).status, 400);
});

t.test('body size, depth and key count', async (t) => {
  const login = { email: user.email, password: user.password };
  t.equal((await req('POST', '/api/v1/auth/login', { json: login })).status, 200);
  const big = await req('POST', '/api/v1/auth/login', {
    raw: JSON.stringify({ ...login, pad: 'x'.repeat(1_100_000) }),
  });
  t.equal(big.status, 413);
  t.equal(big.body.error.code, 'PAYLOAD_TOO_LARGE');

  const deep = await req('POST', '/api/v1/auth/login', { raw: `{"email":${'['.repeat(5000)}${']'.repeat(5000)}}` });
  t.equal(deep.status, 400);
  t.equal(deep.body.error.code, 'INVALID_REQUEST');

  // 50,000 keys are refused by a count made while the depth is measured, before any validation.
  const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
  const manyKeys = JSON.stringify({ ...login, ...keys(50_000) });
  const someKeys = JSON.stringify({ ...login, ...keys(5_000) });
  let started = Date.now();
  const many = await req('POST', '/api/v1/auth/login', { raw: manyKeys });
  t.equal(many.status, 400);
  t.equal(many.body.error.code, 'INVALID_REQUEST');
  t.match(many.body.error.message, /more than 10000 keys/);
  t.ok(Date.now() - started < 500, `50,000 keys answered in ${Date.now() - started} ms`);
  // Under the count, unknown keys are schema errors, of which the reply names a bounded number.
  started = Date.now();
  const some = await req('POST', '/api/v1/auth/login', { raw: someKeys });
  t.equal(some.status, 400);
  t.equal(some.body.error.details.fields.length, 20, 'the reply names 20 fields');
  t.ok(some.text.length < 10_000, `reply of ${some.text.length} bytes`);
  t.ok(Date.now() - started < 1000, `5,000 unknown keys answered in ${Date.now() - started} ms`);
});

t.test('a 1 MB password is refused fast, before any hashing', async (t) => {
  const email = `long-${Date.now()}@example.com`;
  const fine = await req('POST', '/api/v1/auth/signup', { json: { name: 'Long', email, password: 'PASS1234long' } });
  t.equal(fine.status, 201);
  for (const [path, body] of [
    ['/api/v1/auth/login', { email, password: 'p'.repeat(1_000_000) }],
    ['/api/v1/auth/signup', { name: 'Long', email: `x${email}`, password: 'p'.repeat(1_000_000) }],
  ] as const) {
    const started = Date.now();
    const res = await req('POST', path, { json: body });
    const took = Date.now() - started;
    t.equal(res.status, 400, path);
    t.equal(res.body.error.code, 'INVALID_REQUEST');
    t.ok(took < 1000, `${path} answered in ${took} ms (well under a second)`);
  }
});

t.test('slow-header clients are cut off and do not starve others', async (t) => {
  const { port } = new URL(server.base);
  // A client that sends its headers at once is served.
  t.equal((await req('GET', '/livez')).status, 200);

  const CLIENTS = 20;
  const request = 'GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n';
  const started = Date.now();
  const clients = Array.from(
    { length: CLIENTS },
    () =>
      new Promise<{ ms: number; reply: string }>((resolve) => {
        const socket = net.connect(Number(port), '127.0.0.1');
        let reply = '';
        let i = 0;
        // One byte every 50 ms, never finishing the headers.
        const drip = setInterval(() => {
          if (!socket.destroyed) socket.write(request[i++ % request.length]);
        }, 50);
        socket.on('data', (chunk) => (reply += chunk.toString()));
        socket.on('error', () => {});
        socket.on('close', () => {
          clearInterval(drip);
          resolve({ ms: Date.now() - started, reply });
        });
        setTimeout(() => socket.destroy(), 10_000).unref();
      }),
  );
  // Meanwhile ordinary requests are answered.
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.equal((await req('GET', '/livez')).status, 200, 'served while slow clients hold connections');

  const results = await Promise.all(clients);
  for (const r of results) {
    t.ok(r.ms < 3000, `slow client cut after ${r.ms} ms`);
    t.match(r.reply, /^HTTP\/1\.1 408/, 'answered 408 Request Timeout');
  }
});
