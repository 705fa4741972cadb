// POST /billing/webhook, signed with the stripe SDK's own generateTestHeaderString: valid, replayed
// (applied once), tampered, stale, wrong secret, missing signature, out of order, and a failed write (500,
// not recorded, so the provider's retry applies it).
import t from 'tap';
import Stripe from 'stripe';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';

const SECRET = 'whsec_test_cinemate_webhooks_secret';
const app = await buildTestApp(t, { BILLING_RENEWAL_INTERVAL_SECONDS: '0', STRIPE_WEBHOOK_SECRET: SECRET });
const URL = '/api/v1/billing/webhook';

type SubRow = {
  provider_subscription_id: string;
  provider_customer_id: string;
  current_period_start: string;
  current_period_end: string;
};
let user: Awaited<ReturnType<typeof newUser>>;
let row: SubRow;
let base = 0;
// Set-up inside t.before: the embedded database holds no event-loop handle, so top-level awaits could let the root test end early.
t.before(async () => {
  user = await newUser(app);
  const res = await call(app, {
    method: 'POST',
    url: '/api/v1/subscriptions',
    headers: user.headers,
    payload: { plan: 'basic', payment_method: 'pm_card_visa' },
  });
  if (res.status !== 201) throw new Error(`subscribe failed: ${res.body}`);
  await app.billing.settle();
  [row] = await app
    .em()
    .execute<SubRow[]>(
      'select provider_subscription_id, provider_customer_id, current_period_start, current_period_end from subscriptions where user_id = ?',
      [user.id],
    );
  base = Math.floor(app.billing.clock.now().getTime() / 1000);
});
const sec = (x: string) => Math.floor(new Date(x).getTime() / 1000);
let n = 0;

function subscriptionObject(over: Record<string, unknown> = {}, plan = 'basic', of = row) {
  const period = { current_period_start: sec(of.current_period_start), current_period_end: sec(of.current_period_end) };
  return {
    id: row.provider_subscription_id,
    object: 'subscription',
    customer: row.provider_customer_id,
    status: 'active',
    cancel_at_period_end: false,
    canceled_at: null,
    ended_at: null,
    trial_end: null,
    metadata: {},
    items: {
      object: 'list',
      data: [
        {
          id: 'si_1',
          price: { id: 'price_x', lookup_key: `cinemate_${plan}_month`, recurring: { interval: 'month' } },
          ...period,
        },
      ],
    },
    ...over,
  };
}
function event(type: string, object: Record<string, unknown>, created: number, id = `evt_test_${++n}`) {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2025-09-30.clover',
    created,
    livemode: false,
    type,
    data: { object },
  });
}
const sign = (payload: string, opts: { secret?: string; timestamp?: number } = {}) =>
  Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: opts.secret ?? SECRET,
    ...(opts.timestamp ? { timestamp: opts.timestamp } : {}),
  });
const post = (payload: string, signature?: string) =>
  call(app, {
    method: 'POST',
    url: URL,
    payload,
    headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) },
  });
const state = async () =>
  (
    await app
      .em()
      .execute<{ status: string; cancel_at_period_end: boolean; plan_code: string }[]>(
        'select status, cancel_at_period_end, plan_code from subscriptions where user_id = ?',
        [user.id],
      )
  )[0];
const events = async () =>
  Number(
    (
      await app
        .em()
        .execute<{ n: string }[]>('select count(*) as n from billing_events where id like ?', ['evt_test_%'])
    )[0].n,
  );

t.test('a valid event is applied and acknowledged', async (t) => {
  const payload = event('customer.subscription.updated', subscriptionObject({ cancel_at_period_end: true }), base + 10);
  const res = await post(payload, sign(payload));
  t.equal(res.status, 200, JSON.stringify(res.body));
  t.same(res.body, { received: true, applied: true });
  t.equal((await state()).cancel_at_period_end, true);
});

t.test('a replayed event is acknowledged and applied once', async (t) => {
  const invoice = {
    id: 'in_test_failed',
    object: 'invoice',
    customer: row.provider_customer_id,
    subscription: row.provider_subscription_id,
    amount_due: 799,
    amount_paid: 0,
    currency: 'usd',
    status: 'open',
    billing_reason: 'subscription_cycle',
    created: base + 11,
    metadata: { failure_reason: 'Your card was declined.' },
  };
  const payload = event('invoice.payment_failed', invoice, base + 11);
  t.same((await post(payload, sign(payload))).body, { received: true, applied: true });
  const again = await post(payload, sign(payload));
  t.equal(again.status, 200);
  t.same(again.body, { received: true, applied: false });
  const notes = await app
    .em()
    .execute<{ n: string }[]>('select count(*) as n from user_notifications where user_id = ?', [user.id]);
  t.equal(Number(notes[0].n), 1, 'one notification despite the replay');
});

t.test('bad signatures are 400 and change nothing', async (t) => {
  const before = await state();
  const count = await events();
  const payload = event(
    'customer.subscription.updated',
    subscriptionObject({ cancel_at_period_end: false, status: 'past_due' }),
    base + 12,
  );
  const tampered = payload.replace('"past_due"', '"canceled"');
  const cases: [string, string, string | undefined][] = [
    ['missing signature', payload, undefined],
    ['tampered body', tampered, sign(payload)],
    ['stale timestamp', payload, sign(payload, { timestamp: Math.floor(Date.now() / 1000) - 301 })],
    ['wrong secret', payload, sign(payload, { secret: 'whsec_someone_else' })],
    ['garbage header', payload, 't=1,v1=deadbeef'],
  ];
  for (const [name, body, signature] of cases) {
    const res = await post(body, signature);
    t.equal(res.status, 400, name);
    t.equal(res.body.error.code, 'INVALID_REQUEST', name);
  }
  t.same(await state(), before, 'the subscription is unchanged');
  t.equal(await events(), count, 'no event recorded');
  const fresh = await post(payload, sign(payload, { timestamp: Math.floor(Date.now() / 1000) - 200 }));
  t.equal(fresh.status, 200, 'within the 300 s tolerance it is accepted');
});

t.test('events apply in the order of the object state, not of arrival', async (t) => {
  const older = event(
    'customer.subscription.updated',
    subscriptionObject({ status: 'active', cancel_at_period_end: true }),
    base + 5,
  );
  t.same((await post(older, sign(older))).body, { received: true, applied: true }, 'acknowledged');
  t.equal((await state()).status, 'past_due', 'but an older snapshot does not overwrite a newer one');

  const deleted = event(
    'customer.subscription.deleted',
    subscriptionObject({ status: 'canceled', canceled_at: base + 30, ended_at: base + 30 }),
    base + 30,
  );
  const late = event('customer.subscription.updated', subscriptionObject({ status: 'active' }, 'premium'), base + 25);
  const newerUpdate = event(
    'customer.subscription.updated',
    subscriptionObject({ status: 'active' }, 'premium'),
    base + 40,
  );
  t.equal((await post(deleted, sign(deleted))).status, 200);
  t.equal((await post(late, sign(late))).status, 200);
  t.equal((await post(newerUpdate, sign(newerUpdate))).status, 200);
  const after = await state();
  t.equal(after.status, 'canceled', 'an update after deleted never resurrects it');
  t.equal(after.plan_code, 'basic');
  const view = await call(app, { method: 'GET', url: '/api/v1/subscriptions/current', headers: user.headers });
  t.equal(view.body.data.entitlements.active, false);
});

t.test('a failed write is 500 and not recorded, so the retry applies it', async (t) => {
  const other = await newUser(app);
  t.equal(
    (
      await call(app, {
        method: 'POST',
        url: '/api/v1/subscriptions',
        headers: other.headers,
        payload: { plan: 'basic', payment_method: 'pm_card_visa' },
      })
    ).status,
    201,
  );
  await app.billing.settle();
  const [sub] = await app.em().execute<
    {
      provider_subscription_id: string;
      provider_customer_id: string;
      current_period_start: string;
      current_period_end: string;
    }[]
  >(
    'select provider_subscription_id, provider_customer_id, current_period_start, current_period_end from subscriptions where user_id = ?',
    [other.id],
  );
  const object = (plan: string) =>
    subscriptionObject({ id: sub.provider_subscription_id, customer: sub.provider_customer_id }, plan, sub);
  // A plan the database does not know violates a foreign key: the transaction rolls back.
  const broken = event('customer.subscription.updated', object('gold'), base + 50, 'evt_test_retry');
  const res = await post(broken, sign(broken));
  t.equal(res.status, 500);
  t.equal(
    Number(
      (
        await app.em().execute<{ n: string }[]>(`select count(*) as n from billing_events where id = 'evt_test_retry'`)
      )[0].n,
    ),
    0,
    'the event id is not recorded',
  );
  const retried = event('customer.subscription.updated', object('premium'), base + 50, 'evt_test_retry');
  t.same((await post(retried, sign(retried))).body, { received: true, applied: true }, 'the retry is applied');
  const [after] = await app
    .em()
    .execute<{ plan_code: string }[]>('select plan_code from subscriptions where user_id = ?', [other.id]);
  t.equal(after.plan_code, 'premium');
});

t.test('the built-in provider signs its own events with the configured secret', async (t) => {
  const count = Number(
    (
      await app.em().execute<{ n: string }[]>(`select count(*) as n from billing_events where id not like 'evt_test_%'`)
    )[0].n,
  );
  t.ok(count >= 4, `local events were delivered and verified (${count})`);
});
