// The subscription lifecycle on the built-in provider with an advanced clock: trial → active → renewal →
// declined renewal → past_due → recovery or final cancel; upgrades and downgrades; cancel and resume;
// declined cards; entitlements in every state. Renewals reach the mirror only through signed webhooks.
import t from 'tap';
import { db } from '../repositories/db.ts';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser, type TestUser } from './helpers/factories.ts';
import { entitlements } from '../services/billing/entitlements.ts';

const app = await buildTestApp(t, { BILLING_RENEWAL_INTERVAL_SECONDS: '0' });
const S = '/api/v1/subscriptions';

const subscribe = (user: TestUser, payload: Record<string, unknown>) =>
  call(app, { method: 'POST', url: S, headers: user.headers, payload });
const current = async (user: TestUser) =>
  (await call(app, { method: 'GET', url: `${S}/current`, headers: user.headers })).body.data;
const patch = (user: TestUser, payload: Record<string, unknown>) =>
  call(app, { method: 'PATCH', url: `${S}/current`, headers: user.headers, payload });
const invoices = async (user: TestUser) =>
  (await call(app, { method: 'GET', url: '/api/v1/billing/invoices?limit=50', headers: user.headers })).body.data
    .invoices;
const advance = async (days: number) => {
  await app.billing.clock.advance(days);
  await app.billing.settle();
};
const count = async (sql: string, params: unknown[]) =>
  Number((await app.em().execute<{ n: string }[]>(sql, params))[0].n);

t.test('trial → active → renewal → declined renewal → past_due → recovery', async (t) => {
  const user = await newUser(app);
  const res = await subscribe(user, {
    plan: 'standard',
    interval: 'month',
    payment_method: '4242 4242 4242 4242',
    trial_days: 7,
  });
  t.equal(res.status, 201, JSON.stringify(res.body));
  t.equal(res.body.data.subscription.status, 'trialing');
  t.ok(res.body.data.subscription.trial_end);
  t.same((await entitlements({ em: app.em(), config: app.config }, user.id)).status, 'trialing');
  t.equal((await entitlements({ em: app.em(), config: app.config }, user.id)).active, true, 'a trial gives access');
  await app.billing.settle();
  t.same(
    (await invoices(user)).map((i: any) => [i.amount_due, i.status, i.billing_reason]),
    [[0, 'paid', 'subscription_create']],
    'a $0 trial invoice',
  );

  await advance(7);
  let sub = (await current(user)).subscription;
  t.equal(sub.status, 'active', 'the trial ended with a paid invoice');
  t.equal(sub.trial_end !== null, true);
  let list = await invoices(user);
  t.same([list[0].amount_paid, list[0].status, list[0].billing_reason], [1399, 'paid', 'subscription_cycle']);

  const periodEnd = sub.current_period_end;
  await advance(31);
  sub = (await current(user)).subscription;
  t.equal(sub.status, 'active', 'renewed');
  t.equal(sub.current_period_start, periodEnd, 'the new period starts where the last ended');
  t.equal((await invoices(user)).length, 3, 'one more invoice');

  t.equal(
    (await patch(user, { payment_method: '4000000000000341' })).status,
    200,
    'a card that attaches but fails later',
  );
  await advance(31);
  const view = await current(user);
  t.equal(view.subscription.status, 'past_due', 'the declined renewal leaves it past_due');
  t.same(
    view.entitlements,
    { active: true, plan: 'standard', max_streams: 2, max_resolution: '1080p', max_profiles: 5, status: 'past_due' },
    'access continues while the payment is retried',
  );
  list = await invoices(user);
  t.same([list[0].status, list[0].amount_paid, list[0].failure_reason], ['open', 0, 'Your card was declined.']);
  const notes = await app
    .em()
    .execute<{ type: string; title: string; message: string }[]>(
      'select type, title, message from user_notifications where user_id = ?',
      [user.id],
    );
  t.equal(notes.length, 1, 'the user is notified once');
  t.match(notes[0].message, /13\.99 USD.*declined/);

  const recovered = await patch(user, { payment_method: 'pm_card_visa' });
  t.equal(recovered.status, 200, JSON.stringify(recovered.body));
  t.equal(recovered.body.data.subscription.status, 'active', 'a new card pays the open invoice at once');
  await app.billing.settle();
  list = await invoices(user);
  t.same([list[0].status, list[0].amount_paid], ['paid', 1399], 'the open invoice is now paid');
  t.equal((await invoices(user)).length, 4, 'the retry paid the same invoice, no new one');
});

t.test('declined renewals end in cancel after the retries; access ends', async (t) => {
  const user = await newUser(app);
  t.equal(
    (await subscribe(user, { plan: 'basic', payment_method: 'pm_card_chargeCustomerFail', trial_days: 3 })).status,
    201,
    'a trial needs no charge',
  );
  await advance(3);
  t.equal((await current(user)).subscription.status, 'past_due');
  await advance(3);
  await advance(3);
  t.equal((await current(user)).subscription.status, 'past_due', 'still retrying');
  await advance(3);
  const view = await current(user);
  t.equal(view.subscription.status, 'canceled', 'canceled after the last retry');
  t.ok(view.subscription.ended_at);
  t.same(view.entitlements, {
    active: false,
    plan: null,
    max_streams: 0,
    max_resolution: null,
    max_profiles: 5,
    status: 'canceled',
  });
  t.equal(
    await count('select count(*) as n from user_notifications where user_id = ?', [user.id]),
    4,
    'one notification per failed attempt (the renewal and three retries)',
  );
  // A new subscription is possible once the old one ended.
  t.equal((await subscribe(user, { plan: 'basic', payment_method: 'pm_card_visa' })).status, 201);
});

t.test('a declined card is 402 with the reason and leaves nothing behind', async (t) => {
  const user = await newUser(app);
  for (const [pm, reason] of [
    ['4000000000000002', 'Your card was declined.'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'Your card has insufficient funds.'],
    ['4000000000000341', 'Your card was declined.'],
  ]) {
    const res = await subscribe(user, { plan: 'premium', interval: 'year', payment_method: pm });
    t.equal(res.status, 402, pm);
    t.equal(res.body.error.code, 'PAYMENT_FAILED');
    t.equal(res.body.error.message, reason);
  }
  t.equal(
    await count('select count(*) as n from subscriptions where user_id = ?', [user.id]),
    0,
    'no subscription in the mirror',
  );
  t.equal(
    await count(
      `select count(*) as n from billing_local_subscriptions s join billing_customers c on c.customer_id = s.customer_id where c.user_id = ?`,
      [user.id],
    ),
    0,
    'none at the provider',
  );
  t.equal((await invoices(user)).length, 0);
  t.equal((await current(user)).entitlements.active, false);
});

t.test('upgrade now with a prorated invoice; downgrade at the period end', async (t) => {
  const user = await newUser(app);
  t.equal((await subscribe(user, { plan: 'basic', interval: 'month', payment_method: 'pm_card_visa' })).status, 201);
  const start = (await current(user)).subscription;
  await advance(10);
  const up = await patch(user, { plan: 'premium' });
  t.equal(up.status, 200, JSON.stringify(up.body));
  t.equal(up.body.data.subscription.plan, 'premium', 'the upgrade applies at once');
  t.equal(up.body.data.subscription.current_period_end, start.current_period_end, 'same period');
  t.equal(up.body.data.entitlements.max_streams, 4);
  await app.billing.settle();
  const proration = (await invoices(user))[0];
  t.equal(proration.billing_reason, 'subscription_update');
  const total = new Date(start.current_period_end).getTime() - new Date(start.current_period_start).getTime();
  const left = (new Date(start.current_period_end).getTime() - app.billing.clock.now().getTime()) / total;
  t.ok(
    Math.abs(proration.amount_paid - Math.round((1999 - 799) * left)) <= 2,
    `prorated difference ${proration.amount_paid}`,
  );

  const down = await patch(user, { plan: 'standard' });
  t.equal(down.status, 200);
  t.equal(down.body.data.subscription.plan, 'premium', 'a downgrade waits');
  t.same(down.body.data.subscription.pending_change, {
    plan: 'standard',
    interval: 'month',
    effective_at: start.current_period_end,
  });
  t.equal(down.body.data.entitlements.plan, 'premium');
  t.equal(
    (await patch(user, { plan: 'premium' })).body.data.subscription.pending_change,
    null,
    'asking for the current plan withdraws it',
  );
  t.equal((await patch(user, { plan: 'premium' })).status, 409, 'nothing to change');
  await patch(user, { plan: 'standard' });
  await advance(25);
  const after = await current(user);
  t.equal(after.subscription.plan, 'standard', 'switched at the period end');
  t.equal(after.subscription.pending_change, null);
  t.equal(after.entitlements.max_resolution, '1080p');
  t.same(
    [(await invoices(user))[0].amount_paid, (await invoices(user))[0].billing_reason],
    [1399, 'subscription_cycle'],
    'the renewal is at the new price',
  );

  const yearly = await patch(user, { interval: 'year' });
  t.equal(yearly.status, 200);
  t.equal(yearly.body.data.subscription.interval, 'year', 'an interval change applies at once');
  t.ok(
    new Date(yearly.body.data.subscription.current_period_end).getTime() - app.billing.clock.now().getTime() >
      360 * 86_400_000,
    'a new yearly period',
  );
});

t.test('cancel at period end, resume, cancel immediately', async (t) => {
  const user = await newUser(app);
  await subscribe(user, { plan: 'standard', payment_method: 'pm_card_visa' });
  const C = `${S}/current/cancel`;
  const R = `${S}/current/resume`;
  t.equal((await call(app, { method: 'POST', url: R, headers: user.headers })).status, 409, 'nothing to resume');
  const cancel = await call(app, { method: 'POST', url: C, headers: user.headers });
  t.equal(cancel.status, 200);
  t.equal(cancel.body.data.subscription.cancel_at_period_end, true);
  t.equal(cancel.body.data.subscription.status, 'active', 'access continues until the period end');
  const resume = await call(app, { method: 'POST', url: R, headers: user.headers });
  t.equal(resume.status, 200);
  t.equal(resume.body.data.subscription.cancel_at_period_end, false);
  await call(app, { method: 'POST', url: C, headers: user.headers, payload: {} });
  await advance(32);
  const ended = await current(user);
  t.equal(ended.subscription.status, 'canceled', 'ended at the period end');
  t.equal(ended.entitlements.active, false);
  t.equal((await invoices(user)).length, 1, 'no renewal charge after a cancel');

  const other = await newUser(app);
  await subscribe(other, { plan: 'premium', payment_method: 'pm_card_visa' });
  const now = await call(app, { method: 'POST', url: C, headers: other.headers, payload: { immediately: true } });
  t.equal(now.status, 200);
  t.equal(now.body.data.subscription.status, 'canceled');
  t.equal(now.body.data.entitlements.active, false, 'access ends at once');
  t.equal(
    (await call(app, { method: 'POST', url: C, headers: other.headers, payload: {} })).status,
    404,
    'nothing left to cancel',
  );
});

t.test('entitlements per state: incomplete and canceled give no access', async (t) => {
  const user = await newUser(app);
  await subscribe(user, { plan: 'basic', payment_method: 'pm_card_visa' });
  for (const [status, active] of [
    ['active', true],
    ['trialing', true],
    ['past_due', true],
    ['incomplete', false],
    ['canceled', false],
  ] as const) {
    await db(app.em()).updateTable('subscriptions').set({ status }).where('user_id', '=', user.id).execute();
    const got = await entitlements({ em: app.em(), config: app.config }, user.id);
    t.equal(got.active, active, status);
    t.equal(got.status, status);
    t.equal(got.max_streams, active ? 1 : 0);
  }
});

t.test('invoices paginate', async (t) => {
  const user = await newUser(app);
  await subscribe(user, { plan: 'basic', payment_method: 'pm_card_visa' });
  await advance(31);
  await advance(31);
  const page = await call(app, {
    method: 'GET',
    url: '/api/v1/billing/invoices?page=2&limit=2',
    headers: user.headers,
  });
  t.equal(page.status, 200);
  t.equal(page.body.data.invoices.length, 1);
  t.same(page.body.data.pagination, { page: 2, limit: 2, total: 3, total_pages: 2 });
});
