// Notifications over HTTP: the seed 003 list shape, pagination and unread_only; marking one, many, foreign
// and unknown ids; read-all; unread counts under concurrent marks and creates; validation.
import t from 'tap';
import { db } from '../repositories/db.ts';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';
import { createNotification } from '../services/notifications/store.ts';

const app = await buildTestApp(t, { NOTIFICATIONS_DIGEST_EVERY_S: '0' });
const deps = () => ({ em: app.em(), realtime: app.realtime });
const note = (n: number) => ({
  type: 'system_update' as const,
  title: `Note ${n}`,
  message: `Message ${n}`,
  movie_id: n % 2 ? `m${n}` : null,
});
const list = (user: { headers: object }, query = '') =>
  call(app, { method: 'GET', url: `/api/v1/profile/notifications${query}`, headers: user.headers as never });
const mark = (user: { headers: object }, payload: unknown) =>
  call(app, {
    method: 'POST',
    url: '/api/v1/profile/notifications/read',
    headers: user.headers as never,
    payload: payload as never,
  });

const alice = await newUser(app);
const bob = await newUser(app);

t.test('list: seed 003 shape, newest first, pagination, unread_only', async (t) => {
  for (let i = 1; i <= 5; i++) await createNotification(deps(), alice.id, note(i));
  const res = await list(alice, '?page=1&limit=2');
  t.equal(res.status, 200);
  t.equal(res.body.success, true);
  const { notifications, unread_count, pagination } = res.body.data;
  t.equal(unread_count, 5);
  t.same(pagination, { page: 1, limit: 2, total: 5, total_pages: 3 });
  t.same(Object.keys(notifications[0]).sort(), [
    'created_at',
    'id',
    'image',
    'message',
    'movie_id',
    'read',
    'title',
    'type',
  ]);
  t.match(notifications[0], { title: 'Note 5', type: 'system_update', read: false, movie_id: 'm5', image: null });
  t.equal(notifications[1].title, 'Note 4');
  t.ok(!Number.isNaN(Date.parse(notifications[0].created_at)));
  const last = await list(alice, '?page=3&limit=2');
  t.same(
    last.body.data.notifications.map((n: { title: string }) => n.title),
    ['Note 1'],
  );
  const empty = await list(bob);
  t.same(empty.body.data, {
    notifications: [],
    unread_count: 0,
    pagination: { page: 1, limit: 20, total: 0, total_pages: 0 },
  });

  await mark(alice, { notification_id: notifications[0].id });
  const unread = await list(alice, '?unread_only=true');
  t.equal(unread.body.data.pagination.total, 4, 'total counts unread ones');
  t.notOk(unread.body.data.notifications.some((n: { read: boolean }) => n.read));
  const all = await list(alice);
  t.equal(all.body.data.pagination.total, 5);
  t.equal(all.body.data.notifications.find((n: { id: string }) => n.id === notifications[0].id).read, true);
});

t.test('mark one, many, foreign, unknown; idempotent; read-all', async (t) => {
  const user = await newUser(app);
  const mine = [];
  for (let i = 0; i < 4; i++) mine.push((await createNotification(deps(), user.id, note(i)))!.id);
  const bobs = (await createNotification(deps(), bob.id, note(9)))!.id;

  const one = await mark(user, { notification_id: mine[0] });
  t.equal(one.status, 200);
  t.same(one.body.data, { updated: 1, unread_count: 3 });
  const again = await mark(user, { notification_id: mine[0] });
  t.same(again.body.data, { updated: 0, unread_count: 3 }, 'marking twice changes nothing');

  const many = await mark(user, { notification_id: [mine[1], mine[2], bobs, '00000000-0000-4000-8000-000000000000'] });
  t.same(many.body.data, { updated: 2, unread_count: 1 }, 'foreign and unknown ids are ignored');
  const bobList = await list(bob);
  t.equal(
    bobList.body.data.notifications.find((n: { id: string }) => n.id === bobs).read,
    false,
    "another user's notification stays unread",
  );

  const all = await call(app, { method: 'POST', url: '/api/v1/profile/notifications/read-all', headers: user.headers });
  t.same(all.body.data, { updated: 1, unread_count: 0 });
});

t.test('validation and auth', async (t) => {
  const ids = Array.from({ length: 101 }, () => crypto.randomUUID());
  t.equal((await mark(alice, { notification_id: ids })).status, 400, 'at most 100 ids');
  t.equal((await mark(alice, { notification_id: [] })).status, 400, 'an empty list is refused');
  t.equal((await mark(alice, { notification_id: 'N456' })).status, 400, 'ids are UUIDs');
  t.equal(
    (await mark(alice, { notification_id: crypto.randomUUID(), extra: 1 })).status,
    400,
    'unknown fields are refused',
  );
  t.equal((await mark(alice, {})).status, 400);
  t.equal((await list(alice, '?limit=51')).status, 400);
  t.equal((await list(alice, '?unread_only=maybe')).status, 400);
  t.equal((await call(app, { method: 'GET', url: '/api/v1/profile/notifications' })).status, 401);
  t.equal(
    (
      await call(app, {
        method: 'POST',
        url: '/api/v1/profile/notifications/read',
        payload: { notification_id: crypto.randomUUID() },
      })
    ).status,
    401,
  );
});

t.test('unread counts stay right under concurrent marks and creates', async (t) => {
  const user = await newUser(app);
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) ids.push((await createNotification(deps(), user.id, note(i)))!.id);
  const states: Array<{ unread_count: number; seq: number }> = [];
  await Promise.all([
    ...ids.slice(0, 12).map(async (id, i) => {
      // Overlapping pairs: every id is marked by two requests at once, each counted once.
      const res = await mark(user, { notification_id: [id, ids[(i + 1) % 12]] });
      t.equal(res.status, 200);
    }),
    ...Array.from({ length: 8 }, async (_, i) => {
      const created = await createNotification(deps(), user.id, note(100 + i));
      states.push({ unread_count: created!.unread_count, seq: created!.seq });
    }),
  ]);
  const final = await list(user, '?limit=1');
  t.equal(final.body.data.unread_count, 20 - 12 + 8);
  const unread = await db(app.em())
    .selectFrom('user_notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', user.id)
    .where('read', '=', false)
    .executeTakeFirstOrThrow();
  t.equal(Number(unread.n), 16);
  const again = await mark(user, { notification_id: ids.slice(0, 12) });
  t.same(again.body.data, { updated: 0, unread_count: 16 });
  // Each create's count is exact for its moment: counts ordered by seq never exceed what was possible.
  states.sort((a, b) => a.seq - b.seq);
  for (const s of states) t.ok(s.unread_count >= 8 && s.unread_count <= 28, `count ${s.unread_count} is plausible`);
});

t.test('createNotification rejects empty text and honours dedupe keys', async (t) => {
  await t.rejects(createNotification(deps(), bob.id, { type: 'system_update', title: ' ', message: 'x' }), {
    code: 'INVALID_REQUEST',
  });
  const first = await createNotification(deps(), bob.id, { ...note(1), dedupe_key: 'k:1' });
  const second = await createNotification(deps(), bob.id, { ...note(1), dedupe_key: 'k:1' });
  t.ok(first);
  t.equal(second, null, 'the same key is stored once');
});
