// Two API processes and one worker on one PostgreSQL database and one Redis prefix, driven through real
// HTTP and WebSocket clients: shared rate limits, session ends seen everywhere at once, notifications and
// broadcasts reaching sockets on either instance, the stream limit under simultaneous starts on both, and
// an idempotency key sent to both at once charging once.
import pg from 'pg';
import t from 'tap';
import { http, login, signup, skip, socket, startDeployment } from './support.ts';

const ADMIN = { email: 'scale-admin@example.com', password: 'AdminPass123' };

t.test('two API instances and a worker', { skip }, async (t) => {
  const deployment = await startDeployment(t, {
    RATE_LIMIT_SEARCH_MAX: '20',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  });
  // A migrates the fresh database; B and the worker start on the migrated schema.
  const a = await deployment.api('A');
  const [b] = await Promise.all([deployment.api('B'), deployment.worker('W')]);
  t.teardown(() => {
    if (t.passing()) return;
    for (const i of [a, b]) t.comment(`--- ${i.name} ---\n${i.output()}`);
  });

  t.test('rate limits are one budget across instances', async (t) => {
    const user = await signup(a.url);
    const calls = Array.from({ length: 30 }, (_, i) =>
      http(i % 2 ? b.url : a.url, 'GET', '/search?q=matrix', { token: user.token }),
    );
    const statuses = (await Promise.all(calls)).map((r) => r.status);
    t.equal(statuses.filter((s) => s === 200).length, 20, 'the search budget of 20 is shared');
    t.equal(statuses.filter((s) => s === 429).length, 10);
    const again = await http(a.url, 'GET', '/search?q=matrix', { token: user.token });
    t.equal(again.status, 429);
    t.equal(again.body.error.code, 'RATE_LIMITED');
  });

  t.test('logout on A: the token is refused on B at once', async (t) => {
    const user = await signup(a.url);
    t.equal((await http(b.url, 'GET', '/profile', { token: user.token })).status, 200, 'B accepts it (and caches it)');
    t.equal((await http(a.url, 'POST', '/auth/logout', { token: user.token, body: {} })).status, 200);
    const res = await http(b.url, 'GET', '/profile', { token: user.token });
    t.equal(res.status, 401);
  });

  t.test('a password change on A ends the other sessions on B at once', async (t) => {
    const user = await signup(a.url);
    const phone = await login(b.url, user, 'phone');
    t.equal((await http(b.url, 'GET', '/profile', { token: phone })).status, 200);
    const changed = await http(a.url, 'POST', '/profile/change-password', {
      token: user.token,
      body: { old_password: user.password, new_password: 'NEWPASS123' },
    });
    t.equal(changed.status, 200);
    t.equal((await http(b.url, 'GET', '/profile', { token: phone })).status, 401, 'the other device is out');
    const fresh = changed.body.data.auth_token;
    t.equal((await http(b.url, 'GET', '/profile', { token: fresh })).status, 200, 'the new token works on B');
  });

  t.test('a remote sign-out on A ends that session on B at once', async (t) => {
    const user = await signup(a.url);
    const tv = await login(b.url, user, 'tv');
    t.equal((await http(b.url, 'GET', '/profile', { token: tv })).status, 200);
    const sessions = await http(a.url, 'GET', '/profile/sessions', { token: user.token });
    const target = sessions.body.data.sessions.find((s: { device_name: string }) => s.device_name === 'tv');
    t.ok(target, 'the tv session is listed on A');
    t.equal((await http(a.url, 'DELETE', `/profile/sessions/${target.id}`, { token: user.token })).status, 200);
    t.equal((await http(b.url, 'GET', '/profile', { token: tv })).status, 401);
    t.equal((await http(b.url, 'GET', '/profile', { token: user.token })).status, 200, 'the caller stays in');
  });

  t.test("the worker's broadcast reaches sockets on both; a read on A updates B's socket", async (t) => {
    const user = await signup(a.url);
    const onA = await socket(a.url, user.token);
    const onB = await socket(b.url, user.token);
    t.teardown(() => {
      onA.close();
      onB.close();
    });
    const admin = await login(a.url, { id: '', token: '', ...ADMIN });
    const queued = await http(a.url, 'POST', '/admin/notifications', {
      token: admin,
      body: { title: 'Maintenance', message: 'Tonight at two', audience: 'users' },
    });
    t.equal(queued.status, 202);
    const [gotA, gotB] = await Promise.all([onA.next('notification'), onB.next('notification')]);
    t.match(gotA, { unread_count: 1, notification: { title: 'Maintenance' } });
    t.match(gotB, { unread_count: 1, notification: { id: gotA.notification.id } });

    const count = onB.next('unread_count');
    const read = await http(a.url, 'POST', '/profile/notifications/read', {
      token: user.token,
      body: { notification_id: gotA.notification.id },
    });
    t.equal(read.status, 200);
    t.match(await count, { unread_count: 0 }, 'the mark made through A reaches the socket on B');
  });

  t.test('the stream limit holds when two devices start on different instances at once', async (t) => {
    const user = await signup(a.url);
    const sub = await http(a.url, 'POST', '/subscriptions', {
      token: user.token,
      body: { plan: 'basic', interval: 'month', payment_method: 'pm_card_visa' },
    });
    t.equal(sub.status, 201);
    const body = { device_type: 'tv', quality: '720p' };
    let over = 0;
    let ok = 0;
    const refusals = new Set<string>();
    const stops = new Set<number>();
    for (let round = 0; round < 50; round++) {
      const starts = await Promise.all(
        [a, b].map((i) => http(i.url, 'POST', '/streaming/m238/start', { token: user.token, body })),
      );
      const won = starts.filter((r) => r.status === 201);
      if (won.length > 1) over += 1;
      if (won.length === 1) ok += 1;
      for (const r of starts.filter((s) => s.status !== 201)) refusals.add(`${r.status} ${r.body.error?.code}`);
      for (const w of won) {
        const stop = await http(a.url, 'POST', '/streaming/m238/stop', {
          token: user.token,
          body: { session_id: w.body.data.session_id },
        });
        stops.add(stop.status);
      }
    }
    t.same([...refusals], ['409 STREAM_LIMIT_REACHED'], 'the loser is told why');
    t.same([...stops], [200]);
    t.equal(over, 0, 'never two sessions on a one-stream plan');
    t.equal(ok, 50, 'and one start wins every round');
  });

  t.test('one idempotency key sent to A and B at once: one subscription, one charge', async (t) => {
    const user = await signup(a.url);
    const body = { plan: 'standard', interval: 'month', payment_method: 'pm_card_visa' };
    const headers = { 'idempotency-key': 'scale-key-1' };
    const replies = await Promise.all(
      [a, b, a, b].map((i) => http(i.url, 'POST', '/subscriptions', { token: user.token, body, headers })),
    );
    const statuses = replies.map((r) => r.status);
    t.ok(statuses.includes(201), `one of them subscribes (${statuses})`);
    for (const s of statuses) t.ok(s === 201 || s === 409, `201 (the answer or its replay) or 409 in flight: ${s}`);
    for (const r of replies.filter((x) => x.status === 409)) t.equal(r.body.error.code, 'IDEMPOTENCY_CONFLICT');
    const replay = await http(b.url, 'POST', '/subscriptions', { token: user.token, body, headers });
    t.equal(replay.status, 201);
    t.equal(replay.headers.get('idempotent-replayed'), 'true');
    const client = new pg.Client({ connectionString: deployment.databaseUrl });
    await client.connect();
    t.teardown(() => client.end());
    const count = async (sql: string) => Number((await client.query(sql, [user.id])).rows[0].n);
    t.equal(await count('select count(*) as n from subscriptions where user_id = $1'), 1);
    t.equal(
      await count(
        'select count(*) as n from billing_local_subscriptions s join billing_customers c on c.customer_id = s.customer_id where c.user_id = $1',
      ),
      1,
      'one charge at the provider',
    );
  });
});
