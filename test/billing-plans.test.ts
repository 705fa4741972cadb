// Plans are seeded and public; entitlements follow the subscription state; the body validation matrix.
import t from 'tap';
import { db } from '../repositories/db.ts';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser } from './helpers/factories.ts';
import { entitlements, requireEntitlement } from '../services/billing/entitlements.ts';

const app = await buildTestApp(t, { BILLING_RENEWAL_INTERVAL_SECONDS: '0' });

t.test('GET /plans is public and lists the three seeded plans', async (t) => {
  const res = await call(app, { method: 'GET', url: '/api/v1/plans' });
  t.equal(res.status, 200);
  const plans = res.body.data.plans;
  t.same(
    plans.map((p: any) => [p.code, p.max_streams, p.max_resolution, p.max_profiles]),
    [
      ['basic', 1, '720p', 5],
      ['standard', 2, '1080p', 5],
      ['premium', 4, '2160p', 5],
    ],
  );
  for (const p of plans) {
    t.ok(Number.isInteger(p.price_month) && p.price_month > 0, `${p.code} has a monthly price in minor units`);
    t.ok(p.price_year > p.price_month, `${p.code} has a yearly price`);
    t.equal(p.currency, 'usd');
  }
});

t.test(
  'entitlements: none without a subscription, the plan limits with one, 402 from requireEntitlement',
  async (t) => {
    const user = await newUser(app);
    const none = await entitlements({ em: app.em(), config: app.config }, user.id);
    t.same(none, { active: false, plan: null, max_streams: 0, max_resolution: null, max_profiles: 5, status: 'none' });
    await t.rejects(requireEntitlement({ em: app.em(), config: app.config }, user.id), {
      code: 'SUBSCRIPTION_REQUIRED',
      status: 402,
    });

    const res = await call(app, {
      method: 'POST',
      url: '/api/v1/subscriptions',
      headers: user.headers,
      payload: { plan: 'standard', interval: 'month', payment_method: 'pm_card_visa' },
    });
    t.equal(res.status, 201, JSON.stringify(res.body));
    const got = await requireEntitlement({ em: app.em(), config: app.config }, user.id);
    t.same(got, {
      active: true,
      plan: 'standard',
      max_streams: 2,
      max_resolution: '1080p',
      max_profiles: 5,
      status: 'active',
    });
    t.same(res.body.data.entitlements, got, 'the subscription answer carries the same entitlements');
  },
);

t.test('the billing endpoints need a login, except plans and the webhook', async (t) => {
  for (const [method, url] of [
    ['POST', '/api/v1/subscriptions'],
    ['GET', '/api/v1/subscriptions/current'],
    ['PATCH', '/api/v1/subscriptions/current'],
    ['POST', '/api/v1/subscriptions/current/cancel'],
    ['POST', '/api/v1/subscriptions/current/resume'],
    ['GET', '/api/v1/billing/invoices'],
    ['POST', '/api/v1/billing/checkout-session'],
    ['POST', '/api/v1/billing/portal-session'],
  ] as const) {
    const res = await call(app, { method, url, payload: method === 'GET' ? undefined : {} });
    t.equal(res.status, 401, `${method} ${url}`);
  }
});

t.test('subscription body validation matrix', async (t) => {
  const user = await newUser(app);
  const ok = { plan: 'basic', interval: 'month', payment_method: 'pm_card_visa' };
  const cases: [string, Record<string, unknown>, number][] = [
    ['missing plan', { interval: 'month', payment_method: 'pm_card_visa' }, 400],
    ['missing payment_method', { plan: 'basic' }, 400],
    ['unknown plan', { ...ok, plan: 'gold' }, 400],
    ['bad interval', { ...ok, interval: 'week' }, 400],
    ['extra field', { ...ok, price: 1 }, 400],
    ['trial too long', { ...ok, trial_days: 365 }, 400],
    ['wrong type', { ...ok, trial_days: 'seven' }, 400],
    ['not a card', { ...ok, payment_method: '1234567890123' }, 402],
  ];
  for (const [name, payload, status] of cases) {
    const res = await call(app, { method: 'POST', url: '/api/v1/subscriptions', headers: user.headers, payload });
    t.equal(res.status, status, name);
    t.equal(res.body.success, false, name);
  }
  const patch = await call(app, {
    method: 'PATCH',
    url: '/api/v1/subscriptions/current',
    headers: user.headers,
    payload: {},
  });
  t.equal(patch.status, 400, 'an empty change is refused');
  const none = await call(app, {
    method: 'PATCH',
    url: '/api/v1/subscriptions/current',
    headers: user.headers,
    payload: { plan: 'premium' },
  });
  t.equal(none.status, 404, 'no subscription to change');
});

t.test('a user only sees and changes their own subscription', async (t) => {
  const alice = await newUser(app);
  const bob = await newUser(app);
  t.equal(
    (
      await call(app, {
        method: 'POST',
        url: '/api/v1/subscriptions',
        headers: alice.headers,
        payload: { plan: 'premium', payment_method: 'pm_card_visa' },
      })
    ).status,
    201,
  );
  const bobView = await call(app, { method: 'GET', url: '/api/v1/subscriptions/current', headers: bob.headers });
  t.equal(bobView.body.data.subscription, null);
  t.equal(
    (
      await call(app, {
        method: 'POST',
        url: '/api/v1/subscriptions/current/cancel',
        headers: bob.headers,
        payload: { immediately: true },
      })
    ).status,
    404,
  );
  t.equal(
    (await call(app, { method: 'GET', url: '/api/v1/billing/invoices', headers: bob.headers })).body.data.invoices
      .length,
    0,
  );
  const aliceView = await call(app, { method: 'GET', url: '/api/v1/subscriptions/current', headers: alice.headers });
  t.equal(aliceView.body.data.subscription.status, 'active', 'alice is untouched');
});

t.test('the profile cap comes from the plan through entitlements', async (t) => {
  const user = await newUser(app);
  const setBasicProfiles = (n: number) =>
    db(app.em()).updateTable('plans').set({ max_profiles: n }).where('code', '=', 'basic').execute();
  await setBasicProfiles(2);
  t.teardown(() => setBasicProfiles(5));
  const sub = await call(app, {
    method: 'POST',
    url: '/api/v1/subscriptions',
    headers: user.headers,
    payload: { plan: 'basic', interval: 'month', payment_method: 'pm_card_visa' },
  });
  t.equal(sub.status, 201);
  t.equal(
    (await call(app, { method: 'POST', url: '/api/v1/profiles', headers: user.headers, payload: { name: 'Second' } }))
      .status,
    201,
  );
  const third = await call(app, {
    method: 'POST',
    url: '/api/v1/profiles',
    headers: user.headers,
    payload: { name: 'Third' },
  });
  t.equal(third.status, 409);
  t.match(third.body.error, { code: 'PROFILE_LIMIT_REACHED', details: { max: 2 } });
});
