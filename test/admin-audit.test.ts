// GET /admin/audit: the audit events the app writes (signups, logins, failed logins), filtered by action,
// actor and time range, paginated newest first; admin only; the query is validated.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { call, newAdmin, newUser, type TestUser } from './helpers/factories.ts';

const app = await buildTestApp(t);
const admin = await newAdmin(app);
const list = (user: TestUser | null, query: string) =>
  call(app, { method: 'GET', url: `/api/v1/admin/audit${query}`, headers: user ? user.headers : {} });
const login = (email: string, password: string) =>
  call(app, { method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

const alice = await newUser(app);
const start = new Date().toISOString();
await login(alice.email, alice.password);
await login(alice.email, 'WRONGPASS1');
await login(alice.email, alice.password);

t.test('filtered by actor: the account’s own events, newest first', async (t) => {
  const res = await list(admin, `?actor_id=${alice.id}`);
  t.equal(res.status, 200, JSON.stringify(res.body));
  const actions = res.body.data.entries.map((e: { action: string }) => e.action);
  t.same(actions, ['auth.login', 'auth.login_failed', 'auth.login', 'auth.signup']);
  const times = res.body.data.entries.map((e: { created_at: string }) => Date.parse(e.created_at));
  t.same(
    times,
    [...times].sort((a, b) => b - a),
    'newest first',
  );
  t.match(res.body.data.entries[0], { actor_id: alice.id, ip_address: String, details: Object });
  t.same(res.body.data.pagination, { page: 1, limit: 50, total: 4, total_pages: 1 });
});

t.test('filtered by action and time range', async (t) => {
  const res = await list(admin, `?action=auth.login&actor_id=${alice.id}&from=${encodeURIComponent(start)}`);
  t.equal(res.body.data.entries.length, 2);
  t.ok(res.body.data.entries.every((e: { action: string }) => e.action === 'auth.login'));
  const before = await list(admin, `?actor_id=${alice.id}&to=${encodeURIComponent(start)}`);
  t.same(
    before.body.data.entries.map((e: { action: string }) => e.action),
    ['auth.signup'],
  );
  const failed = await list(admin, '?action=auth.login_failed');
  t.ok(failed.body.data.entries.length >= 1);
  t.ok(failed.body.data.entries.every((e: { action: string }) => e.action === 'auth.login_failed'));
});

t.test('pages do not overlap and add up to the total', async (t) => {
  const first = await list(admin, `?actor_id=${alice.id}&limit=3`);
  const second = await list(admin, `?actor_id=${alice.id}&limit=3&page=2`);
  t.same(first.body.data.pagination, { page: 1, limit: 3, total: 4, total_pages: 2 });
  t.equal(second.body.data.entries.length, 1);
  const ids = [...first.body.data.entries, ...second.body.data.entries].map((e: { id: string }) => e.id);
  t.equal(new Set(ids).size, 4);
});

t.test('admin only', async (t) => {
  t.equal((await list(null, '')).status, 401);
  const res = await list(alice, '');
  t.equal(res.status, 403);
  t.equal(res.body.error.code, 'FORBIDDEN');
});

t.test('validation', async (t) => {
  for (const query of [
    '?actor_id=nope',
    '?action=DROP%20TABLE',
    `?action=${'a'.repeat(65)}`,
    '?from=yesterday',
    '?limit=101',
    '?page=0',
    '?extra=1',
    `?from=${encodeURIComponent(new Date().toISOString())}&to=${encodeURIComponent(start)}`,
  ]) {
    const res = await list(admin, query);
    t.equal(res.status, 400, query);
    t.equal(res.body.error.code, 'INVALID_REQUEST', query);
  }
});
