// The WebSocket gateway with a real client on a real port: token in the query, in Sec-WebSocket-Protocol or
// in a first message; bad, expired and logged-out tokens refused; notifications and unread counts pushed;
// logout and token expiry disconnect; the per-user cap, the send-buffer bound and dead peers; app close.
import t from 'tap';
import WebSocket from 'ws';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';
import { createNotification } from '../services/notifications/store.ts';

const app = await buildTestApp(t, {
  WS_HEARTBEAT_MS: '150',
  WS_AUTH_TIMEOUT_MS: '400',
  WS_MAX_CONNECTIONS_PER_USER: '2',
  WS_MAX_BUFFERED_BYTES: '1024',
});
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as { port: number };
const url = `ws://127.0.0.1:${port}/api/v1/ws`;
const deps = () => ({ em: app.em(), realtime: app.realtime });

interface Client {
  ws: WebSocket;
  /** Resolves with the next message of the type (messages are queued, none is missed). */
  next(type: string): Promise<any>;
  closed: Promise<{ code: number; reason: string }>;
}

function open(target: string, options: { protocols?: string[]; autoPong?: boolean } = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(target, options.protocols, { autoPong: options.autoPong ?? true });
    const queue: any[] = [];
    const waiters: Array<{ type: string; resolve: (m: any) => void }> = [];
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      const i = waiters.findIndex((w) => w.type === msg.type);
      if (i >= 0) waiters.splice(i, 1)[0].resolve(msg);
      else queue.push(msg);
    });
    const closed = new Promise<{ code: number; reason: string }>((res) =>
      ws.on('close', (code, reason) => res({ code, reason: reason.toString() })),
    );
    const next = (type: string) => {
      const i = queue.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]);
      return new Promise((res) => waiters.push({ type, resolve: res }));
    };
    ws.on('open', () => resolve({ ws, next, closed }));
    ws.on('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })),
    );
    ws.on('error', reject);
  });
}

const refused = async (target: string, options?: { protocols?: string[] }) => {
  try {
    const c = await open(target, options);
    c.ws.close();
    return 0;
  } catch (err) {
    return (err as { status?: number }).status ?? -1;
  }
};

t.test('token in the query: hello, pushed notifications and unread counts', async (t) => {
  const user = await newUser(app);
  await createNotification(deps(), user.id, { type: 'system_update', title: 'Before', message: 'Already there' });
  const c = await open(`${url}?token=${user.token}`);
  const hello = await c.next('hello');
  t.match(hello, { type: 'hello', user_id: user.id, unread_count: 1 });

  const created = await createNotification(deps(), user.id, {
    type: 'movie_added',
    title: 'New Movie Added',
    message: 'Something new',
    movie_id: 'm1',
  });
  const msg = await c.next('notification');
  t.equal(msg.unread_count, 2);
  t.match(msg.notification, {
    id: created!.id,
    type: 'movie_added',
    title: 'New Movie Added',
    read: false,
    movie_id: 'm1',
    image: null,
  });

  await call(app, {
    method: 'POST',
    url: '/api/v1/profile/notifications/read',
    headers: user.headers,
    payload: { notification_id: created!.id },
  });
  t.match(await c.next('unread_count'), { type: 'unread_count', unread_count: 1 });
  await call(app, { method: 'POST', url: '/api/v1/profile/notifications/read-all', headers: user.headers });
  t.match(await c.next('unread_count'), { unread_count: 0 });

  c.ws.send(JSON.stringify({ type: 'ping' }));
  t.same(await c.next('pong'), { type: 'pong' });
  c.ws.close();
  await c.closed;
});

t.test('token in Sec-WebSocket-Protocol and in a first auth message', async (t) => {
  const user = await newUser(app);
  const byProtocol = await open(url, { protocols: ['bearer', user.token] });
  t.equal(byProtocol.ws.protocol, 'bearer', 'only "bearer" is echoed, never the token');
  t.match(await byProtocol.next('hello'), { user_id: user.id, unread_count: 0 });
  byProtocol.ws.close();

  const byMessage = await open(url);
  byMessage.ws.send(JSON.stringify({ type: 'auth', token: user.token }));
  t.match(await byMessage.next('hello'), { user_id: user.id });
  byMessage.ws.close();

  const silent = await open(url);
  t.match(await silent.closed, { code: 4008 }, 'no auth message in time');
  const wrong = await open(url);
  wrong.ws.send(JSON.stringify({ type: 'auth', token: 'not.a.token' }));
  t.match(await wrong.closed, { code: 4001 });
  const early = await open(url);
  early.ws.send(JSON.stringify({ type: 'subscribe' }));
  t.match(await early.closed, { code: 4001 }, 'nothing but auth before auth');
});

t.test('bad, expired and logged-out tokens are refused at the upgrade', async (t) => {
  const user = await newUser(app);
  t.equal(await refused(`${url}?token=garbage.garbage.garbage`), 401);
  t.equal(await refused(url, { protocols: ['bearer', 'garbage.garbage.garbage'] }), 401);
  const claims = {
    user_id: user.id,
    session_id: (app.jwt.decode(user.token) as { session_id: string }).session_id,
    role: 'user',
    type: 'access_token',
  };
  const short = app.jwt.sign(claims as never, { expiresIn: '2s' });
  const c = await open(`${url}?token=${short}`);
  await c.next('hello');
  t.match(await c.closed, { code: 4001, reason: 'token expired' }, 'a live socket closes when its token expires');
  t.equal(await refused(`${url}?token=${short}`), 401, 'an expired token is refused');

  const reset = app.tokens.reset({ user_id: user.id, reset_id: crypto.randomUUID() });
  t.equal(await refused(`${url}?token=${reset}`), 401, 'only access tokens');

  const live = await open(`${url}?token=${user.token}`);
  await live.next('hello');
  const out = await call(app, { method: 'POST', url: '/api/v1/auth/logout', headers: user.headers });
  t.equal(out.status, 200);
  t.match(await live.closed, { code: 4001, reason: 'session ended' }, 'logout disconnects at the next heartbeat');
  t.equal(await refused(`${url}?token=${user.token}`), 401, 'a logged-out token is refused');
});

t.test('per-user cap, send-buffer bound and dead peers', async (t) => {
  const user = await newUser(app);
  const a = await open(`${url}?token=${user.token}`);
  const b = await open(`${url}?token=${user.token}`);
  await Promise.all([a.next('hello'), b.next('hello')]);
  const c = await open(`${url}?token=${user.token}`);
  t.match(await c.closed, { code: 4029 }, 'the third socket of the account is refused');

  // One message larger than the bound (1 KiB here): the socket is cut rather than buffered.
  await createNotification(deps(), user.id, { type: 'system_update', title: 'Big', message: 'x'.repeat(1500) });
  t.equal((await a.closed).code, 1006, 'dropped without a close frame');
  await b.closed;

  const deaf = await open(`${url}?token=${user.token}`, { autoPong: false });
  await deaf.next('hello');
  t.equal((await deaf.closed).code, 1006, 'a peer that never answers pings is terminated');
});

t.test('closing the app closes every socket with 1001', async (t) => {
  const user = await newUser(app);
  const c = await open(`${url}?token=${user.token}`);
  await c.next('hello');
  const closing = app.close();
  t.match(await c.closed, { code: 1001 });
  await closing;
});
