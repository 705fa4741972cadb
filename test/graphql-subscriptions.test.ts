// The notificationAdded subscription with a graphql-transport-ws client (ws) on a real port: sign-in with
// connection_init, an admin broadcast made through REST arrives, only the account's own notifications
// arrive, a socket without a valid token is refused, and /api/v1/ws keeps working on the same server.
import t from 'tap';
import WebSocket from 'ws';
import { createNotification } from '../services/notifications/store.ts';
import { buildTestApp } from './helpers/app.ts';
import { call, newAdmin, newUser, type TestUser } from './helpers/factories.ts';

const app = await buildTestApp(t, { BILLING_RENEWAL_INTERVAL_SECONDS: '0', NOTIFICATIONS_DIGEST_EVERY_S: '0' });
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as { port: number };
const base = `ws://127.0.0.1:${port}/api/v1`;

interface Client {
  ws: WebSocket;
  /** The next message of the type (queued, none is missed); rejects after ms. */
  next(type: string, ms?: number): Promise<any>;
  closed: Promise<number>;
}

function open(url: string, protocol: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [protocol]);
    const queue: any[] = [];
    const waiters: Array<{ type: string; resolve: (m: any) => void }> = [];
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      const i = waiters.findIndex((w) => w.type === msg.type);
      if (i >= 0) waiters.splice(i, 1)[0].resolve(msg);
      else queue.push(msg);
    });
    const closed = new Promise<number>((res) => ws.on('close', (code) => res(code)));
    const next = (type: string, ms = 5000) => {
      const i = queue.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]);
      return new Promise((res, rej) => {
        const waiter = { type, resolve: res };
        waiters.push(waiter);
        setTimeout(() => {
          const at = waiters.indexOf(waiter);
          if (at >= 0) {
            waiters.splice(at, 1);
            rej(new Error(`no ${type} within ${ms} ms`));
          }
        }, ms);
      });
    };
    ws.on('open', () => resolve({ ws, next, closed }));
    ws.on('error', reject);
  });
}

const SUBSCRIPTION = 'subscription { notificationAdded { notification { id title type read } unread_count } }';

async function subscribed(user: TestUser): Promise<Client> {
  const client = await open(`${base}/graphql`, 'graphql-transport-ws');
  client.ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${user.token}` } }));
  await client.next('connection_ack');
  client.ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION } }));
  return client;
}

const admin = await newAdmin(app);
const alice = await newUser(app);
const bob = await newUser(app);

t.test('an admin broadcast made through REST arrives on the subscription', async (t) => {
  const client = await subscribed(alice);
  t.teardown(() => client.ws.close());
  t.equal(client.ws.protocol, 'graphql-transport-ws', 'the server speaks graphql-transport-ws');
  // The subscription goes live asynchronously after `subscribe`: broadcast until one arrives (bounded).
  const sent: string[] = [];
  let event: any = null;
  for (let attempt = 0; attempt < 20 && !event; attempt++) {
    const title = `Maintenance ${attempt}`;
    const res = await call(app, {
      method: 'POST',
      url: '/api/v1/admin/notifications',
      headers: admin.headers,
      payload: { title, message: 'Streaming pauses at 02:00 UTC.', audience: 'users' },
    });
    t.equal(res.status, 202);
    sent.push(title);
    await app.jobs.runner.tick();
    event = await client.next('next', 500).catch(() => null);
  }
  t.ok(event, 'a notification arrived');
  t.equal(event.id, '1');
  const { notification, unread_count } = event.payload.data.notificationAdded;
  t.ok(sent.includes(notification.title), 'it is one of the broadcasts');
  t.match(notification, { type: 'system_update', read: false });
  const listed = (await call(app, { method: 'GET', url: '/api/v1/profile/notifications', headers: alice.headers })).body
    .data;
  t.ok(
    listed.notifications.some((n: { id: string }) => n.id === notification.id),
    'the same notification is in the REST list',
  );
  t.ok(unread_count >= 1 && unread_count <= listed.unread_count);
});

t.test('only the account’s own notifications arrive', async (t) => {
  const client = await subscribed(bob);
  t.teardown(() => client.ws.close());
  const deps = { em: app.em(), realtime: app.realtime };
  let mine: any = null;
  for (let attempt = 0; attempt < 20 && !mine; attempt++) {
    await createNotification(deps, alice.id, { type: 'system_update', title: `For alice ${attempt}`, message: 'x' });
    await createNotification(deps, bob.id, { type: 'system_update', title: `For bob ${attempt}`, message: 'x' });
    mine = await client.next('next', 500).catch(() => null);
  }
  t.ok(mine, 'bob got a notification');
  t.match(mine.payload.data.notificationAdded.notification.title, /^For bob /);
});

t.test('a socket without a valid token is refused', async (t) => {
  const client = await open(`${base}/graphql`, 'graphql-transport-ws');
  client.ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer not.a.valid.token' } }));
  const error = await client.next('connection_error');
  t.match(error.payload, { message: 'Forbidden' });
  await client.closed;
  const anonymous = await open(`${base}/graphql`, 'graphql-transport-ws');
  anonymous.ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  t.match((await anonymous.next('connection_error')).payload, { message: 'Forbidden' });
  await anonymous.closed;
});

t.test('the notifications socket at /api/v1/ws still works beside it', async (t) => {
  const client = await open(`${base}/ws?token=${alice.token}`, 'bearer');
  t.teardown(() => client.ws.close());
  t.equal(client.ws.protocol, 'bearer');
  const hello = await client.next('hello');
  t.ok(hello, 'the gateway greets the socket');
});
