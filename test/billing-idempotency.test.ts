// Idempotency-Key on the billing POSTs: the same key and body replay the stored answer without a second
// charge; a different body is 422; a concurrent duplicate is 409 or the same answer, never two charges.
import t from 'tap';
import { db } from '../repositories/db.ts';
import { buildTestApp } from './helpers/app.ts';
import { testClock } from './helpers/clock.ts';
import { call, newUser, type TestUser } from './helpers/factories.ts';

const clock = testClock();
const app = await buildTestApp(t, { BILLING_RENEWAL_INTERVAL_SECONDS: '0' }, { clock });
const S = '/api/v1/subscriptions';
const body = { plan: 'standard', interval: 'month', payment_method: 'pm_card_visa' };

const post = (user: TestUser, url: string, payload: unknown, key?: string) =>
  call(app, {
    method: 'POST',
    url,
    payload: payload as Record<string, unknown>,
    headers: { ...user.headers, ...(key ? { 'idempotency-key': key } : {}) },
  });
const counts = async (user: TestUser) => {
  await app.billing.settle();
  const q = async (sql: string) => Number((await app.em().execute<{ n: string }[]>(sql, [user.id]))[0].n);
  return {
    subscriptions: await q('select count(*) as n from subscriptions where user_id = ?'),
    charges: await q(
      `select count(*) as n from billing_local_subscriptions s join billing_customers c on c.customer_id = s.customer_id where c.user_id = ?`,
    ),
    invoices: await q('select count(*) as n from invoices where user_id = ?'),
  };
};

t.test('the same key and body: one subscription, one charge, the same answer', async (t) => {
  const user = await newUser(app);
  const first = await post(user, S, body, 'key-1');
  t.equal(first.status, 201);
  const second = await post(user, S, body, 'key-1');
  t.equal(second.status, 201, 'replayed, not 409 "already subscribed"');
  t.same(second.body, first.body, 'the stored answer');
  t.equal(second.headers['idempotent-replayed'], 'true');
  t.same(await counts(user), { subscriptions: 1, charges: 1, invoices: 1 });
  const reordered = await post(
    user,
    S,
    { payment_method: 'pm_card_visa', interval: 'month', plan: 'standard' },
    'key-1',
  );
  t.equal(reordered.status, 201, 'key order in the body does not matter');
  const without = await post(user, S, body);
  t.equal(without.status, 409, 'without a key the second request really runs (and is refused)');
});

t.test('the same key with a different body is 422', async (t) => {
  const user = await newUser(app);
  t.equal((await post(user, S, body, 'key-2')).status, 201);
  const res = await post(user, S, { ...body, plan: 'premium' }, 'key-2');
  t.equal(res.status, 422);
  t.equal(res.body.error.code, 'IDEMPOTENCY_MISMATCH');
  const other = await post(user, `${S}/current/cancel`, {}, 'key-2');
  t.equal(other.status, 422, 'the same key on another endpoint is a different request');
  t.same(await counts(user), { subscriptions: 1, charges: 1, invoices: 1 });
});

t.test('keys are per user', async (t) => {
  const a = await newUser(app);
  const b = await newUser(app);
  t.equal((await post(a, S, body, 'shared')).status, 201);
  const res = await post(b, S, body, 'shared');
  t.equal(res.status, 201);
  t.not(
    res.body.data.subscription.id,
    (await post(a, S, body, 'shared')).body.data.subscription.id,
    'each user gets their own subscription',
  );
});

t.test('a declined card is stored too: the retry with the same key does not charge again', async (t) => {
  const user = await newUser(app);
  const declined = { ...body, payment_method: '4000000000000002' };
  const first = await post(user, S, declined, 'key-declined');
  t.equal(first.status, 402);
  const again = await post(user, S, declined, 'key-declined');
  t.equal(again.status, 402);
  t.same(again.body.error, first.body.error);
  t.equal((await post(user, S, body, 'key-fresh')).status, 201, 'a new key with a good card goes through');
});

t.test('concurrent duplicates: one 409 or the same answer, never two charges', async (t) => {
  for (let round = 0; round < 3; round++) {
    const user = await newUser(app);
    const results = await Promise.all([
      post(user, S, body, 'race'),
      post(user, S, body, 'race'),
      post(user, S, body, 'race'),
    ]);
    const ok = results.filter((r) => r.status === 201);
    const conflicts = results.filter((r) => r.status === 409);
    t.ok(ok.length >= 1, `round ${round}: one succeeded`);
    t.equal(
      ok.length + conflicts.length,
      3,
      `round ${round}: the others are 409 or replays (${results.map((r) => r.status)})`,
    );
    for (const c of conflicts) t.equal(c.body.error.code, 'IDEMPOTENCY_CONFLICT');
    for (const r of ok) t.same(r.body, ok[0].body, 'replays carry the same answer');
    t.same(await counts(user), { subscriptions: 1, charges: 1, invoices: 1 }, `round ${round}: one charge`);
  }
});

t.test('cancel and resume replay too; keys expire after 24 h', async (t) => {
  const user = await newUser(app);
  await post(user, S, body, 'sub');
  const cancel = await post(user, `${S}/current/cancel`, {}, 'cancel-1');
  t.equal(cancel.status, 200);
  t.equal((await post(user, `${S}/current/resume`, {}, 'resume-1')).status, 200);
  const replay = await post(user, `${S}/current/cancel`, {}, 'cancel-1');
  t.same(replay.body, cancel.body, 'the stored cancel answer, not a second cancel');
  const { cancel_at_period_end } = await db(app.em())
    .selectFrom('subscriptions')
    .select('cancel_at_period_end')
    .where('user_id', '=', user.id)
    .executeTakeFirstOrThrow();
  t.equal(cancel_at_period_end, false, 'the resume still holds');

  clock.advance(24 * 3_600_000 + 1000); // the key's 24 hours are over
  const later = await post(user, `${S}/current/cancel`, { immediately: true }, 'cancel-1');
  t.equal(later.status, 200, 'an expired key is free again, even for another body');
  t.equal(later.body.data.subscription.status, 'canceled');
  t.equal((await post(user, S, body, 'x'.repeat(256))).status, 400, 'a key longer than 255 is refused');
});
