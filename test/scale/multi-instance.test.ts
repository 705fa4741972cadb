// Two API processes and one worker on one PostgreSQL database and one Redis prefix, driven through real
// HTTP and WebSocket clients: shared rate limits, session ends seen everywhere at once, notifications and
// broadcasts reaching sockets on either instance, the stream limit under simultaneous starts on both, an
// idempotency key sent to both at once charging once, and a video uploaded through A, encoded by the
// worker, playing on B with the links A signed.
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import Stripe from 'stripe';
import t from 'tap';
import { testMedia } from '../support/media-source.ts';
import { tusClient, uploadAll } from '../support/tus.ts';
import { http, login, signup, skip, socket, startDeployment, wait } from './support.ts';
import { paymentFailedEvent } from '../support/webhooks.ts';

// Each process start builds the whole app; on a loaded machine several of them take minutes, not seconds.
t.setTimeout(420_000);

const ADMIN = { email: 'scale-admin@example.com', password: 'AdminPass123' };
const WEBHOOK_SECRET = 'whsec_scale_test_webhook_secret';

t.test('two API instances and a worker', { skip }, async (t) => {
  const deployment = await startDeployment(t, {
    RATE_LIMIT_SEARCH_MAX: '20',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    MEDIA_ENCODER_PRESET: 'ultrafast',
    MEDIA_LADDER: '240',
  });
  // A migrates the fresh database; B and the worker start on the migrated schema.
  const a = await deployment.api('A');
  const [b, w] = await Promise.all([deployment.api('B'), deployment.worker('W')]);
  t.teardown(() => {
    if (t.passing()) return;
    for (const i of [a, b, w]) t.comment(`--- ${i.name} ---\n${i.output()}`);
  });
  const client = new pg.Client({ connectionString: deployment.databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  const subscribe = async (token: string, plan: string, headers: Record<string, string> = {}) =>
    http(a.url, 'POST', '/subscriptions', {
      token,
      body: { plan, interval: 'month', payment_method: 'pm_card_visa' },
      headers,
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

  t.test('a payment failure reported to A reaches the socket on B', async (t) => {
    const user = await signup(a.url);
    t.equal((await subscribe(user.token, 'basic')).status, 201);
    const [sub] = (
      await client.query(
        'select provider_subscription_id as s, provider_customer_id as c from subscriptions where user_id = $1',
        [user.id],
      )
    ).rows;
    const onB = await socket(b.url, user.token);
    t.teardown(() => onB.close());
    const payload = paymentFailedEvent({
      event: `evt_scale_${Date.now()}`,
      invoice: 'in_scale_failed',
      customer: sub.c,
      subscription: sub.s,
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const incoming = onB.next('notification');
    const res = await fetch(`${a.url}/api/v1/billing/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    });
    t.equal(res.status, 200, 'A applies the event');
    t.match(await incoming, { unread_count: 1, notification: { title: 'Your payment failed' } });
  });

  t.test('the stream limit holds when two devices start on different instances at once', async (t) => {
    const user = await signup(a.url);
    t.equal((await subscribe(user.token, 'basic')).status, 201);
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

  t.test('a playback grant issued by A is accepted by B, which serves the media the worker encoded', async (t) => {
    const media = await testMedia();
    t.teardown(() => media.cleanup());
    const admin = await login(a.url, { id: '', token: '', ...ADMIN });
    const file = await readFile(await media.video({ width: 426, height: 240, seconds: 2 }));
    const uploaded = await uploadAll(tusClient(a.url, { authorization: `Bearer ${admin}` }), file, {
      content_id: 'm238',
      filename: 'source.mp4',
    });
    t.equal(uploaded.status, 204, uploaded.body);
    let status = '';
    for (let i = 0; i < 600 && status !== 'ready' && status !== 'failed'; i++) {
      await wait(200);
      const res = await http(a.url, 'GET', '/admin/content/m238/processing-status', { token: admin });
      status = res.body.data?.status;
    }
    t.equal(status, 'ready', 'the worker encoded it');

    const viewer = await signup(a.url);
    t.equal((await subscribe(viewer.token, 'basic')).status, 201);
    const manifest = await http(a.url, 'GET', '/streaming/m238/manifest', { token: viewer.token });
    t.equal(manifest.status, 200);
    const onB = (link: string) => {
      const u = new URL(link);
      return `${b.url}${u.pathname}${u.search}`;
    };
    const masterUrl = onB(manifest.body.data.manifest_url);
    const master = await fetch(masterUrl);
    t.equal(master.status, 200, 'B accepts the grant A signed');
    const text = await master.text();
    t.match(text, /#EXT-X-STREAM-INF/);
    const rendition = text.split('\n').find((line) => line.includes('index.m3u8') && !line.startsWith('#'));
    t.ok(rendition, 'the master lists a rendition');
    const playlist = await fetch(new URL(rendition as string, masterUrl));
    t.equal(playlist.status, 200, 'the rendition playlist is served by B from the shared store');
    t.match(await playlist.text(), /#EXTINF/);
    const key = await fetch(onB(manifest.body.data.drm_license_url));
    t.equal(key.status, 200);
    t.equal((await key.arrayBuffer()).byteLength, 16, 'the AES-128 key');
    const tampered = masterUrl.replace(/sig=[^&]+/, `sig=${'A'.repeat(43)}`);
    t.equal((await fetch(tampered)).status, 403, 'a tampered link is refused on B');
  });
});
