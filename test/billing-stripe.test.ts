// The stripe provider: the official SDK pointed (STRIPE_API_BASE → host, port, protocol) at a local
// Stripe-shaped server; the requests it receives carry the right form fields, and the answers reach the mirror.
import t from 'tap';
import Stripe from 'stripe';
import { buildTestApp } from './helpers/app.ts';
import { call, newUser, type TestUser } from './helpers/factories.ts';
import { startStripeServer } from './support/stripe-server.ts';
import { stripeClientOptions } from '../services/billing/stripe-provider.ts';

const SECRET = 'whsec_stripe_provider_test';
const stripe = await startStripeServer();
t.teardown(() => stripe.close());
const app = await buildTestApp(t, {
  STRIPE_SECRET_KEY: 'sk_test_cinemate',
  STRIPE_API_BASE: stripe.url,
  STRIPE_WEBHOOK_SECRET: SECRET,
  BILLING_RENEWAL_INTERVAL_SECONDS: '0',
});
const S = '/api/v1/subscriptions';

const subscribe = (user: TestUser, payload: Record<string, unknown>) =>
  call(app, { method: 'POST', url: S, headers: user.headers, payload });
const since = (mark: number) => stripe.requests.slice(mark).map((r) => `${r.method} ${r.path}`);

t.test('STRIPE_API_BASE becomes the SDK host, port and protocol', async (t) => {
  t.same(stripeClientOptions('http://127.0.0.1:4567'), {
    maxNetworkRetries: 2,
    timeout: 10_000,
    host: '127.0.0.1',
    port: 4567,
    protocol: 'http',
  });
  t.same(stripeClientOptions('https://stripe.example.com'), {
    maxNetworkRetries: 2,
    timeout: 10_000,
    host: 'stripe.example.com',
    port: 443,
    protocol: 'https',
  });
  t.equal(app.billing.provider.name, 'stripe', 'a secret key selects the stripe provider');
});

t.test('subscribe: customer, attach, default card, price by lookup key, subscription', async (t) => {
  const user = await newUser(app);
  const mark = stripe.requests.length;
  const res = await subscribe(user, { plan: 'standard', interval: 'month', payment_method: 'pm_card_visa' });
  t.equal(res.status, 201, JSON.stringify(res.body));
  t.same(
    since(mark).map((s) => s.replace(/cus_fake\d+/, 'cus_*')),
    [
      'POST /v1/customers',
      'POST /v1/payment_methods/pm_card_visa/attach',
      'POST /v1/customers/cus_*',
      'GET /v1/prices',
      'POST /v1/subscriptions',
    ],
  );
  const [customer, attach, update, prices, create] = stripe.requests.slice(mark);
  t.equal(customer.authorization, 'Bearer sk_test_cinemate', 'the secret key authenticates');
  t.equal(customer.form.email, user.email);
  t.equal(customer.form['metadata[user_id]'], user.id);
  t.ok(customer.idempotencyKey, 'customer creation is idempotent at Stripe');
  const customerId = create.form.customer;
  t.match(customerId, /^cus_fake/);
  t.equal(attach.form.customer, customerId);
  t.equal(update.form['invoice_settings[default_payment_method]'], 'pm_card_visa');
  t.equal(prices.query['lookup_keys[0]'], 'cinemate_standard_month');
  t.equal(create.form['items[0][price]'], 'price_cinemate_standard_month');
  t.equal(create.form.payment_behavior, 'error_if_incomplete', 'a declined first payment leaves no subscription');
  t.equal(create.form['metadata[user_id]'], user.id);
  t.equal(create.form['expand[0]'], 'latest_invoice');
  t.equal(res.body.data.subscription.status, 'active');
  t.equal(res.body.data.subscription.provider, 'stripe');
  t.equal(res.body.data.entitlements.max_streams, 2);
  const inv = await call(app, { method: 'GET', url: '/api/v1/billing/invoices', headers: user.headers });
  t.same(
    inv.body.data.invoices.map((i: any) => [i.amount_paid, i.billing_reason]),
    [[1399, 'subscription_create']],
  );

  const trial = await subscribe(await newUser(app), {
    plan: 'basic',
    interval: 'year',
    payment_method: 'pm_card_visa',
    trial_days: 14,
  });
  t.equal(trial.body.data.subscription.status, 'trialing');
  t.equal(stripe.requests.at(-1)!.form.trial_period_days, '14');
  t.equal(stripe.find('GET', '/v1/prices').at(-1)!.query['lookup_keys[0]'], 'cinemate_basic_year');
});

t.test("a declined card is 402 with Stripe's reason; no subscription is created", async (t) => {
  const user = await newUser(app);
  const mark = stripe.requests.length;
  const res = await subscribe(user, { plan: 'premium', payment_method: 'pm_card_chargeDeclinedInsufficientFunds' });
  t.equal(res.status, 402);
  t.equal(res.body.error.code, 'PAYMENT_FAILED');
  t.equal(res.body.error.message, 'Your card has insufficient funds.');
  t.equal(res.body.error.details.decline_code, 'insufficient_funds');
  t.notOk(since(mark).includes('POST /v1/subscriptions'));
  t.equal(
    (await call(app, { method: 'GET', url: `${S}/current`, headers: user.headers })).body.data.subscription,
    null,
  );
  t.equal(
    (await subscribe(user, { plan: 'premium', payment_method: '4242424242424242' })).status,
    400,
    'raw card numbers never go to Stripe',
  );
});

t.test('upgrade, downgrade, cancel, resume and cancel now reach Stripe with the right fields', async (t) => {
  const user = await newUser(app);
  await subscribe(user, { plan: 'basic', payment_method: 'pm_card_visa' });
  const subId = stripe.find('POST', '/v1/subscriptions').at(-1)!;
  const id = [...stripe.subscriptions.keys()].at(-1)!;
  t.ok(subId);

  const up = await call(app, {
    method: 'PATCH',
    url: `${S}/current`,
    headers: user.headers,
    payload: { plan: 'premium' },
  });
  t.equal(up.status, 200, JSON.stringify(up.body));
  const upReq = stripe.find('POST', `/v1/subscriptions/${id}`).at(-1)!;
  t.equal(upReq.form.proration_behavior, 'always_invoice');
  t.equal(upReq.form['items[0][price]'], 'price_cinemate_premium_month');
  t.match(upReq.form['items[0][id]'], /^si_fake/);
  t.equal(up.body.data.subscription.plan, 'premium');

  const down = await call(app, {
    method: 'PATCH',
    url: `${S}/current`,
    headers: user.headers,
    payload: { plan: 'basic' },
  });
  const downReq = stripe.find('POST', `/v1/subscriptions/${id}`).at(-1)!;
  t.equal(downReq.form.proration_behavior, 'none');
  t.equal(downReq.form['metadata[pending_plan]'], 'basic');
  t.equal(downReq.form['metadata[plan]'], 'premium');
  t.equal(down.body.data.subscription.plan, 'premium', 'the downgrade waits for the period end');
  t.equal(down.body.data.subscription.pending_change.plan, 'basic');

  const cancel = await call(app, { method: 'POST', url: `${S}/current/cancel`, headers: user.headers, payload: {} });
  t.equal(stripe.find('POST', `/v1/subscriptions/${id}`).at(-1)!.form.cancel_at_period_end, 'true');
  t.equal(cancel.body.data.subscription.cancel_at_period_end, true);
  await call(app, { method: 'POST', url: `${S}/current/resume`, headers: user.headers, payload: {} });
  t.equal(stripe.find('POST', `/v1/subscriptions/${id}`).at(-1)!.form.cancel_at_period_end, 'false');
  const now = await call(app, {
    method: 'POST',
    url: `${S}/current/cancel`,
    headers: user.headers,
    payload: { immediately: true },
  });
  t.equal(stripe.find('DELETE', `/v1/subscriptions/${id}`).length, 1);
  t.equal(now.body.data.subscription.status, 'canceled');
});

t.test('Checkout Session and customer-portal links', async (t) => {
  const user = await newUser(app);
  const portalFirst = await call(app, { method: 'POST', url: '/api/v1/billing/portal-session', headers: user.headers });
  t.equal(portalFirst.status, 404, 'no billing account yet');
  const checkout = await call(app, {
    method: 'POST',
    url: '/api/v1/billing/checkout-session',
    headers: user.headers,
    payload: { plan: 'premium', interval: 'year' },
  });
  t.equal(checkout.status, 201, JSON.stringify(checkout.body));
  t.match(checkout.body.data.url, /^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test/);
  const req = stripe.find('POST', '/v1/checkout/sessions').at(-1)!;
  t.equal(req.form.mode, 'subscription');
  t.equal(req.form['line_items[0][price]'], 'price_cinemate_premium_year');
  t.equal(req.form['line_items[0][quantity]'], '1');
  t.equal(req.form['subscription_data[metadata][user_id]'], user.id);
  t.match(req.form.success_url, /\/billing\/success\?session_id=\{CHECKOUT_SESSION_ID\}$/);
  const portal = await call(app, {
    method: 'POST',
    url: '/api/v1/billing/portal-session',
    headers: user.headers,
    payload: {},
  });
  t.equal(portal.status, 201);
  t.match(portal.body.data.url, /^https:\/\/billing\.stripe\.com\/p\/session\//);
  const preq = stripe.find('POST', '/v1/billing_portal/sessions').at(-1)!;
  t.equal(preq.form.customer, req.form.customer, 'the same Stripe customer');
  t.match(preq.form.return_url, /\/account$/);
});

t.test('a subscription created through Checkout arrives by a signed webhook', async (t) => {
  const user = await newUser(app);
  await call(app, {
    method: 'POST',
    url: '/api/v1/billing/checkout-session',
    headers: user.headers,
    payload: { plan: 'standard' },
  });
  const customer = stripe.find('POST', '/v1/checkout/sessions').at(-1)!.form.customer;
  const start = Math.floor(Date.now() / 1000);
  const payload = JSON.stringify({
    id: 'evt_checkout_1',
    object: 'event',
    type: 'customer.subscription.created',
    created: start,
    data: {
      object: {
        id: 'sub_from_checkout',
        object: 'subscription',
        customer,
        status: 'active',
        cancel_at_period_end: false,
        metadata: { user_id: user.id },
        items: {
          data: [
            {
              id: 'si_x',
              price: { id: 'price_y', lookup_key: 'cinemate_standard_month', recurring: { interval: 'month' } },
              current_period_start: start,
              current_period_end: start + 30 * 86400,
            },
          ],
        },
      },
    },
  });
  const res = await call(app, {
    method: 'POST',
    url: '/api/v1/billing/webhook',
    payload,
    headers: {
      'content-type': 'application/json',
      'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
    },
  });
  t.equal(res.status, 200, JSON.stringify(res.body));
  const view = await call(app, { method: 'GET', url: `${S}/current`, headers: user.headers });
  t.equal(view.body.data.subscription.status, 'active');
  t.equal(view.body.data.entitlements.plan, 'standard');
});
