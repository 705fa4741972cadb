// OWASP API4 on the WebSockets (/api/v1/ws, and GraphQL subscriptions on /api/v1/graphql): a frame over
// 64 KiB closes the socket with 1009, and a socket that sends more than WS_MAX_MESSAGES messages in
// WS_MESSAGE_WINDOW_MS is closed with 4030 (each message may cost a token check, a subscription or a
// database write). Both are in asyncapi.json.
import t from 'tap';
import WebSocket from 'ws';
import { signup, startServer } from './support.ts';

const MAX = 20;
const WINDOW_MS = 1000;
const server = await startServer(t, { WS_MAX_MESSAGES: String(MAX), WS_MESSAGE_WINDOW_MS: String(WINDOW_MS) });
const user = await signup(server);
const url = `${server.base.replace('http', 'ws')}/api/v1/ws?token=${user.token}`;

interface Socket {
  ws: WebSocket;
  /** Messages received so far, by type. */
  count(type: string): number;
  /** Resolves once `n` messages of the type have arrived. */
  until(type: string, n: number): Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
}

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const seen = new Map<string, number>();
    const waiters: Array<() => void> = [];
    ws.on('message', (data) => {
      const { type } = JSON.parse(data.toString());
      seen.set(type, (seen.get(type) ?? 0) + 1);
      for (const w of waiters.splice(0)) w();
    });
    const count = (type: string) => seen.get(type) ?? 0;
    const until = async (type: string, n: number) => {
      while (count(type) < n) await new Promise<void>((res) => waiters.push(res));
    };
    const closed = new Promise<{ code: number; reason: string }>((res) =>
      ws.on('close', (code, reason) => res({ code, reason: reason.toString() })),
    );
    ws.on('open', async () => {
      await until('hello', 1);
      resolve({ ws, count, until, closed });
    });
    ws.on('error', reject);
  });
}
const ping = (padding = 0) => JSON.stringify({ type: 'ping', pad: 'x'.repeat(padding) });

t.test('a frame over 64 KiB closes the socket with 1009', async (t) => {
  const socket = await open();
  socket.ws.send(ping(60 * 1024));
  await socket.until('pong', 1);
  t.pass('a 60 KiB message is read and answered');
  socket.ws.send(ping(64 * 1024));
  const closed = await socket.closed;
  t.equal(closed.code, 1009, 'message too big');
  t.equal(socket.count('pong'), 1, 'the big frame was not answered');
  t.equal((await server.req('GET', '/api/v1/profile', { token: user.token })).status, 200, 'the account still works');
});

t.test('a socket past its message budget is closed with 4030', async (t) => {
  const socket = await open();
  for (let i = 0; i < MAX; i++) socket.ws.send(ping());
  await socket.until('pong', MAX);
  t.equal(socket.ws.readyState, WebSocket.OPEN, `${MAX} messages in a window are served`);
  // A new window, a new budget.
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 100));
  for (let i = 0; i < MAX; i++) socket.ws.send(ping());
  await socket.until('pong', 2 * MAX);
  t.equal(socket.ws.readyState, WebSocket.OPEN, 'and again in the next window');

  const flooded = await open();
  for (let i = 0; i < 1000; i++) flooded.ws.send(ping());
  const closed = await flooded.closed;
  t.equal(closed.code, 4030);
  t.equal(closed.reason, 'too many messages');
  t.equal(flooded.count('pong'), MAX, 'only the budget was answered');

  // An auth flood (a token check each) is cut the same way.
  const auths = await open();
  for (let i = 0; i < 200; i++) auths.ws.send(JSON.stringify({ type: 'auth', token: user.token }));
  t.equal((await auths.closed).code, 4030);
  t.ok(auths.count('reauthenticated') <= MAX, `${auths.count('reauthenticated')} auth messages answered`);

  const fresh = await open();
  t.pass('a new socket of the same account opens afterwards');
  fresh.ws.close();
  socket.ws.close();
});

t.test('a GraphQL subscription socket has the same message budget', async (t) => {
  const ws = new WebSocket(`${server.base.replace('http', 'ws')}/api/v1/graphql`, ['graphql-transport-ws']);
  let pongs = 0;
  const acked = new Promise<void>((resolve) =>
    ws.on('message', (data) => {
      const { type } = JSON.parse(data.toString());
      if (type === 'connection_ack') resolve();
      if (type === 'pong') pongs += 1;
    }),
  );
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((resolve) => ws.on('open', resolve));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${user.token}` } }));
  await acked;
  for (let i = 0; i < 5; i++) ws.send(JSON.stringify({ type: 'ping' }));
  while (pongs < 5) await new Promise((resolve) => setTimeout(resolve, 20));
  t.equal(ws.readyState, WebSocket.OPEN, 'signed in, pings answered');
  const subscribe = (i: number) =>
    JSON.stringify({
      id: String(i),
      type: 'subscribe',
      payload: { query: 'subscription { notificationAdded { unread_count } }' },
    });
  for (let i = 0; i < 500; i++) ws.send(subscribe(i));
  t.equal(await closed, 4030, 'a subscription flood closes the socket');
});
