// The billing webhook and Idempotency-Key from an attacker's side, through real HTTP against the stripe
// provider (a local Stripe-shaped server behind a proxy that slows every call, so a duplicate request
// really arrives while the first is running). Webhooks: unsigned, forged, re-signed with another secret,
// a changed body under a valid signature, stale and future timestamps, a replay applied once, redelivered
// events out of order. Idempotency: the same key and body replay, another body is 422, a concurrent
// duplicate is 409. The same key sent to two instances at once is test/scale/multi-instance.test.ts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import t from 'tap';
import { startStripeServer } from '../support/stripe-server.ts';
import { paymentFailedEvent } from '../support/webhooks.ts';
import { signup, startServer, type Account } from './support.ts';

const SECRET = 'whsec_attack_suite_webhook_secret';
const SLOW_MS = 300;
const stripe = await startStripeServer();
t.teardown(() => stripe.close());
// Each call to the provider waits SLOW_MS, then goes to the Stripe-shaped server.
const target = new URL(stripe.url);
const proxy = http.createServer((request, response) => {
  setTimeout(() => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(upstream);
  }, SLOW_MS);
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
t.teardown(() => new Promise((resolve) => proxy.close(resolve)));

const server = await startServer(t, {
  STRIPE_SECRET_KEY: 'sk_test_attack_suite',
  STRIPE_API_BASE: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
  STRIPE_WEBHOOK_SECRET: SECRET,
  BILLING_RENEWAL_INTERVAL_SECONDS: '0',
});
const { req } = server;
const HOOK = '/api/v1/billing/webhook';
const SUBSCRIBE = { plan: 'basic', interval: 'month', payment_method: 'pm_card_visa' };
const now = () => Math.floor(Date.now() / 1000);

const sign = (payload: string, opts: { secret?: string; timestamp?: number } = {}) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? SECRET, timestamp: opts.timestamp });
const deliver = (payload: string, signature?: string) =>
  req('POST', HOOK, { raw: payload, headers: signature ? { 'stripe-signature': signature } : {} });
const notifications = async (user: Account) =>
  (await req('GET', '/api/v1/profile/notifications', { token: user.token })).body.data.notifications.length;
const current = async (user: Account) =>
  (await req('GET', '/api/v1/subscriptions/current', { token: user.token })).body;

/** A subscribed account and its objects at the provider. */
async function subscriber() {
  const user = await signup(server);
  const res = await req('POST', '/api/v1/subscriptions', { token: user.token, json: SUBSCRIBE });
  if (res.status !== 201) throw new Error(`subscribe failed: ${res.status} ${res.text}`);
  const sub = [...stripe.subscriptions.values()].find((s) => s.metadata.user_id === user.id);
  return { user, sub };
}

let n = 0;
function subscriptionEvent(type: string, sub: any, created: number, over: Record<string, unknown> = {}) {
  return JSON.stringify({
    id: `evt_attack_${++n}`,
    object: 'event',
    api_version: '2025-09-30.clover',
    created,
    livemode: false,
    type,
    data: { object: { ...sub, latest_invoice: null, ...over } },
  });
}

t.test('webhook: only a signed, unchanged, current delivery is applied', async (t) => {
  const { user, sub } = await subscriber();
  // Stamped after the state the API stored when subscribing, so it is the newer one.
  const cancel = subscriptionEvent('customer.subscription.updated', sub, now() + 2, { cancel_at_period_end: true });
  const refused: [string, string, string | undefined][] = [
    ['no signature', cancel, undefined],
    ['an empty signature', cancel, ''],
    ['a forged signature', cancel, `t=${now()},v1=${'ab'.repeat(32)}`],
    ['signed with another secret', cancel, sign(cancel, { secret: 'whsec_attacker' })],
    ['a changed body under a valid signature', cancel.replace('"active"', '"canceled"'), sign(cancel)],
    ['a signature with its timestamp moved', cancel, sign(cancel).replace(/t=\d+/, `t=${now() + 1}`)],
    ['a timestamp 10 minutes old', cancel, sign(cancel, { timestamp: now() - 600 })],
    ['a timestamp 10 minutes ahead', cancel, sign(cancel, { timestamp: now() + 600 })],
    ['a timestamp a day ahead', cancel, sign(cancel, { timestamp: now() + 86_400 })],
    ['only a v0 scheme', cancel, sign(cancel).replace('v1=', 'v0=')],
  ];
  for (const [what, body, signature] of refused) {
    const res = await deliver(body, signature);
    t.equal(res.status, 400, what);
    t.equal(res.body.error.code, 'INVALID_REQUEST', what);
    t.notMatch(res.text, SECRET, `${what}: the secret is not echoed`);
  }
  t.equal((await current(user)).data.subscription.cancel_at_period_end, false, 'nothing was applied');

  // The same event, properly signed now (and with a little clock skew either way), is applied.
  const applied = await deliver(cancel, sign(cancel, { timestamp: now() + 60 }));
  t.equal(applied.status, 200);
  t.same(applied.body, { received: true, applied: true });
  t.equal((await current(user)).data.subscription.cancel_at_period_end, true);
});

t.test('webhook: a captured delivery replayed is acknowledged and applied once', async (t) => {
  const { user, sub } = await subscriber();
  const before = await notifications(user);
  const failed = paymentFailedEvent({
    event: `evt_attack_failed_${user.id}`,
    invoice: `in_attack_${user.id}`,
    customer: sub.customer,
    subscription: sub.id,
  });
  const signature = sign(failed);
  t.same((await deliver(failed, signature)).body, { received: true, applied: true });
  t.equal(await notifications(user), before + 1, 'the payment problem is notified');
  const replays = await Promise.all(Array.from({ length: 5 }, () => deliver(failed, signature)));
  t.same(
    replays.map((r) => [r.status, r.body.applied]),
    Array.from({ length: 5 }, () => [200, false]),
    'replays (in parallel too) are acknowledged, not applied',
  );
  t.equal(await notifications(user), before + 1, 'one notification despite the replays');
});

t.test('webhook: redelivered out of order, an older state never overwrites a newer one', async (t) => {
  const { user, sub } = await subscriber();
  const at = now();
  const deleted = subscriptionEvent('customer.subscription.deleted', sub, at + 20, {
    status: 'canceled',
    canceled_at: at + 20,
    ended_at: at + 20,
  });
  const update = subscriptionEvent('customer.subscription.updated', sub, at + 10, { cancel_at_period_end: true });
  t.equal((await current(user)).data.entitlements.active, true, 'subscribed to begin with');
  t.same((await deliver(deleted, sign(deleted))).body, { received: true, applied: true });
  t.equal((await current(user)).data.entitlements.active, false, 'the deletion ends the subscription');
  // The update that Stripe sent first arrives last: acknowledged (no retry storm), but it resurrects nothing.
  t.same((await deliver(update, sign(update))).body, { received: true, applied: true });
  const after = await current(user);
  t.equal(after.data.entitlements.active, false, 'still ended');
  t.equal(after.data.subscription.status, 'canceled');
});

t.test('Idempotency-Key: a replay is the stored answer, another body is 422', async (t) => {
  const user = await signup(server);
  const key = { 'idempotency-key': `attack-${user.id}` };
  const first = await req('POST', '/api/v1/subscriptions', { token: user.token, json: SUBSCRIBE, headers: key });
  t.equal(first.status, 201);
  t.equal(first.headers.get('idempotent-replayed'), null, 'the first answer is no replay');
  const calls = stripe.find('POST', '/v1/subscriptions').length;

  const again = await req('POST', '/api/v1/subscriptions', { token: user.token, json: SUBSCRIBE, headers: key });
  t.equal(again.status, 201);
  t.equal(again.headers.get('idempotent-replayed'), 'true');
  t.same(again.body, first.body, 'the stored answer');
  t.equal(stripe.find('POST', '/v1/subscriptions').length, calls, 'no second call to the provider');

  const other = await req('POST', '/api/v1/subscriptions', {
    token: user.token,
    json: { ...SUBSCRIBE, plan: 'premium' },
    headers: key,
  });
  t.equal(other.status, 422);
  t.equal(other.body.error.code, 'IDEMPOTENCY_MISMATCH');
  t.equal(other.headers.get('idempotent-replayed'), null);
  t.equal((await current(user)).data.subscription.plan, 'basic', 'the first request still holds');

  const thief = await signup(server);
  const stolen = await req('POST', '/api/v1/subscriptions', { token: thief.token, json: SUBSCRIBE, headers: key });
  t.equal(stolen.status, 201, "another account's key runs as a new request of its own");
  t.equal(stolen.headers.get('idempotent-replayed'), null, 'never a replay of the other account');
  t.not(stolen.body.data.subscription.id, first.body.data.subscription.id);
});

t.test('Idempotency-Key: a duplicate sent while the first runs is 409, one charge', async (t) => {
  const user = await signup(server);
  const key = { 'idempotency-key': `race-${user.id}` };
  const calls = stripe.find('POST', '/v1/subscriptions').length;
  const first = req('POST', '/api/v1/subscriptions', { token: user.token, json: SUBSCRIBE, headers: key });
  // The first request is now waiting on the slowed provider.
  await new Promise((resolve) => setTimeout(resolve, SLOW_MS / 2));
  const duplicates = await Promise.all(
    Array.from({ length: 3 }, () =>
      req('POST', '/api/v1/subscriptions', { token: user.token, json: SUBSCRIBE, headers: key }),
    ),
  );
  const won = await first;
  t.equal(won.status, 201, 'the first one runs');
  for (const d of duplicates) {
    t.equal(d.status, 409, 'a duplicate in flight');
    t.equal(d.body.error.code, 'IDEMPOTENCY_CONFLICT');
  }
  t.equal(stripe.find('POST', '/v1/subscriptions').length, calls + 1, 'one subscription created at the provider');
  const replay = await req('POST', '/api/v1/subscriptions', { token: user.token, json: SUBSCRIBE, headers: key });
  t.equal(replay.status, 201, 'once it is done, the duplicate gets the stored answer');
  t.equal(replay.headers.get('idempotent-replayed'), 'true');
  t.same(replay.body, won.body);
});
