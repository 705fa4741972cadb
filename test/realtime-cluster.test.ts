// Two app instances sharing one Redis (and one REDIS_KEY_PREFIX): a notification created through instance A
// reaches a socket connected to instance B, and so does a broadcast fanned out by A's job runner. Needs
// REDIS_URL; with DATABASE_URL too, both instances share one database as they would in production.
import t from 'tap';
import WebSocket from 'ws';
import { buildTestApp, usingPostgres, usingRedis } from './helpers/app.ts';
import { call, newAdmin, newUser } from './helpers/factories.ts';
import { createNotification } from '../services/notifications/store.ts';

const skip = usingRedis
  ? false
  : 'REDIS_URL is not set: cross-instance delivery needs a shared Redis (run with REDIS_URL=redis://...)';

function nextMessage(ws: WebSocket, type: string): Promise<any> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString());
      if (msg.type !== type) return;
      ws.off('message', onMessage);
      resolve(msg);
    };
    ws.on('message', onMessage);
  });
}

t.test('a notification created on instance A reaches a socket on instance B', { skip }, async (t) => {
  const prefix = `t:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
  // One deployment: the same Redis prefix and the same JWT secret, so a token from one instance works on both.
  const env = {
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET: 'cluster-test-secret-0123456789abcdef',
    NOTIFICATIONS_DIGEST_EVERY_S: '0',
  };
  const a = await buildTestApp(t, env);
  // B opens A's database when there is a shared one; on the embedded database each has its own.
  const b = await buildTestApp(t, usingPostgres ? { ...env, DATABASE_URL: a.config.DATABASE_URL } : env);
  await b.listen({ port: 0, host: '127.0.0.1' });
  const { port } = b.server.address() as { port: number };

  const user = await newUser(b);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/ws?token=${user.token}`);
  const hello = await nextMessage(ws, 'hello');
  t.equal(hello.unread_count, 0);

  if (usingPostgres) {
    const incoming = nextMessage(ws, 'notification');
    const created = await createNotification({ em: a.em(), realtime: a.realtime }, user.id, {
      type: 'system_update',
      title: 'From A',
      message: 'Hello from instance A',
    });
    const msg = await incoming;
    t.match(msg, { unread_count: 1, notification: { id: created!.id, title: 'From A' } });

    // A mark through A updates the count on B's socket; a broadcast run by A's job runner arrives too.
    const count = nextMessage(ws, 'unread_count');
    await call(a, {
      method: 'POST',
      url: '/api/v1/profile/notifications/read',
      headers: user.headers,
      payload: { notification_id: created!.id },
    });
    t.match(await count, { unread_count: 0 });
    const admin = await newAdmin(a);
    const broadcastMsg = nextMessage(ws, 'notification');
    t.equal(
      (
        await call(a, {
          method: 'POST',
          url: '/api/v1/admin/notifications',
          headers: admin.headers,
          payload: { title: 'Everyone', message: 'From the job' },
        })
      ).status,
      202,
    );
    await a.jobs.runner.tick();
    t.match(await broadcastMsg, { unread_count: 1, notification: { type: 'system_update', title: 'Everyone' } });
  } else {
    // Separate embedded databases: the user exists on B only, so A publishes on the hub directly.
    const incoming = nextMessage(ws, 'notification');
    await a.realtime.publish(
      user.id,
      JSON.stringify({ type: 'notification', notification: { id: 'x', title: 'From A' }, unread_count: 1, seq: 1 }),
    );
    t.match(await incoming, { notification: { title: 'From A' } });
  }

  // Another prefix is another deployment: its messages never arrive.
  const other = await buildTestApp(t, { ...env, REDIS_KEY_PREFIX: `${prefix}other:` });
  let leaked = false;
  ws.on('message', (data) => {
    if (JSON.parse(data.toString()).notification?.title === 'Leak') leaked = true;
  });
  await other.realtime.publish(user.id, JSON.stringify({ type: 'notification', notification: { title: 'Leak' } }));
  await new Promise((r) => setTimeout(r, 200));
  t.notOk(leaked, 'channels live under REDIS_KEY_PREFIX');
  ws.close();
});
