// Parallel subscribe requests of one account (a double tap, a retry after a lost answer): exactly one
// subscription is created, the others are 409 CONFLICT (never a 500), and the loser's provider subscription
// is cancelled, so its webhooks are acknowledged instead of failing on the one-live-subscription index.
import { Writable } from 'node:stream';
import t from 'tap';
import { db } from '../repositories/db.ts';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';

// Error lines only: a webhook the API refuses is logged by the local provider that delivers it.
const errors: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line) errors.push(JSON.parse(line).msg);
    done();
  },
});
const app = await buildTestApp(t, { BILLING_RENEWAL_INTERVAL_SECONDS: '0', LOG_LEVEL: 'error' }, { logStream: sink });
const payload = { plan: 'standard', interval: 'month', payment_method: 'pm_card_visa' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('one subscribe request: 201', async (t) => {
  const user = await newUser(app);
  const res = await call(app, { method: 'POST', url: '/api/v1/subscriptions', headers: user.headers, payload });
  t.equal(res.status, 201);
});

t.test('four at once: one 201, three 409, one live subscription', async (t) => {
  const user = await newUser(app);
  const answers = await Promise.all(
    [0, 1, 2, 3].map(() => call(app, { method: 'POST', url: '/api/v1/subscriptions', headers: user.headers, payload })),
  );
  const statuses = answers.map((r) => r.status).sort();
  t.same(statuses, [201, 409, 409, 409], `statuses ${statuses.join(', ')}`);
  for (const res of answers.filter((r) => r.status === 409)) t.equal(res.body.error.code, 'CONFLICT');
  // The provider's webhooks for every subscription made (the loser's live one, then its cancellation).
  await sleep(500);
  const rows = await db(app.em()).selectFrom('subscriptions').select('status').where('user_id', '=', user.id).execute();
  t.equal(rows.filter((r) => r.status !== 'canceled').length, 1, 'one live subscription');
  const provider = await db(app.em())
    .selectFrom('billing_local_subscriptions as s')
    .innerJoin('billing_customers as c', 'c.customer_id', 's.customer_id')
    .select('s.status')
    .where('c.user_id', '=', user.id)
    .execute();
  t.equal(
    provider.filter((r) => r.status !== 'canceled').length,
    1,
    "the losers' charges are cancelled at the provider",
  );
  t.same(errors, [], 'no error logged: every webhook of the losers was acknowledged, nothing was a 500');
  const current = await call(app, { method: 'GET', url: '/api/v1/subscriptions/current', headers: user.headers });
  t.equal(current.body.data.subscription.status, 'active');
});
