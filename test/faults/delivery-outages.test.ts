// Faults on the way in and out: Redis frozen (no answer at all, connections open), a provider webhook that
// arrives while PostgreSQL is down, and a mail server that is down when a reset code is asked for.
import Stripe from 'stripe';
import t from 'tap';
import { db } from '../../repositories/db.ts';
import { buildTestApp, usingPostgres } from '../helpers/app.ts';
import { call, newUser } from '../helpers/factories.ts';
import { startSmtpServer } from '../support/smtp.ts';
import { paymentFailedEvent } from '../support/webhooks.ts';
import { createDatabase, freePort, startProxy, startRedis } from './support.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('Redis frozen (SIGSTOP) for 10 s: no request hangs past REDIS_TIMEOUT_MS plus a margin', async (t) => {
  const redis = await startRedis();
  t.teardown(async () => {
    redis.thaw();
    await redis.kill();
  });
  const timeoutMs = 300;
  const app = await buildTestApp(t, {
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: 'frozen:',
    REDIS_TIMEOUT_MS: String(timeoutMs),
  });
  const user = await newUser(app);
  const popular = await call(app, { method: 'GET', url: '/api/v1/movies/popular' });
  t.equal(popular.status, 200);
  const movie = popular.body.data.movies[0].id as string;

  redis.freeze();
  const frozenAt = Date.now();
  const slowest: number[] = [];
  const statuses = new Set<number>();
  while (Date.now() - frozenAt < 10_000) {
    for (const request of [
      { method: 'GET' as const, url: '/api/v1/profile', headers: user.headers },
      { method: 'GET' as const, url: '/api/v1/movies/popular?page=2' },
      {
        method: 'POST' as const,
        url: '/api/v1/movies/favourites',
        headers: user.headers,
        payload: { movie_id: movie },
      },
    ]) {
      const started = Date.now();
      const res = await call(app, request);
      slowest.push(Date.now() - started);
      statuses.add(res.status);
      t.ok(res.status < 500 || res.status === 503, `${request.method} ${request.url}: ${res.status}, no other 5xx`);
    }
    await sleep(500);
  }
  const worst = Math.max(...slowest);
  t.ok(worst < timeoutMs + 1500, `slowest answer ${worst} ms while Redis was frozen (${slowest.length} requests)`);
  t.ok(statuses.has(200), 'what needs no Redis is served meanwhile');

  redis.thaw();
  let back = 0;
  for (let i = 0; i < 100 && back !== 200; i++) {
    back = (await call(app, { method: 'GET', url: '/readyz' })).status;
    if (back !== 200) await sleep(100);
  }
  t.equal(back, 200, 'ready again once Redis answers');
  t.equal((await call(app, { method: 'GET', url: '/api/v1/profile', headers: user.headers })).status, 200);
});

t.test(
  'a signed webhook while PostgreSQL is down gets a non-2xx; redelivered after recovery it is applied once',
  { skip: !usingPostgres && 'needs PostgreSQL (the outage is a cut TCP path to it)' },
  async (t) => {
    const secret = 'whsec_test_cinemate_outage_secret';
    const database = await createDatabase(process.env.DATABASE_URL as string);
    const proxy = await startProxy(Number(database.url.port || 5432), database.url.hostname);
    const viaProxy = new URL(database.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    // Teardowns run last-registered first: this one, registered before the app's, runs after it closes.
    t.teardown(async () => {
      await proxy.close();
      await database.drop();
    });
    const app = await buildTestApp(t, {
      DATABASE_URL: viaProxy.toString(),
      STRIPE_WEBHOOK_SECRET: secret,
      BILLING_RENEWAL_INTERVAL_SECONDS: '0',
      // One connection: a connection leaked by the transaction the outage broke would hang everything after.
      DB_POOL_MAX: '1',
    });
    const user = await newUser(app);
    const subscribed = await call(app, {
      method: 'POST',
      url: '/api/v1/subscriptions',
      headers: user.headers,
      payload: { plan: 'basic', payment_method: 'pm_card_visa' },
    });
    t.equal(subscribed.status, 201);
    await app.billing.settle();
    const sub = await db(app.em())
      .selectFrom('subscriptions')
      .select(['provider_subscription_id', 'provider_customer_id'])
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    const payload = paymentFailedEvent({
      event: 'evt_outage_1',
      invoice: 'in_outage_1',
      customer: sub.provider_customer_id,
      subscription: sub.provider_subscription_id,
    });
    const deliver = () =>
      call(app, {
        method: 'POST',
        url: '/api/v1/billing/webhook',
        payload,
        headers: {
          'content-type': 'application/json',
          'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }),
        },
      });
    const notifications = async () =>
      Number(
        (
          await db(app.em())
            .selectFrom('user_notifications')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('user_id', '=', user.id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await notifications();

    await proxy.cut();
    // The provider retries at once, several times: each attempt fails fast and none holds a connection.
    for (let attempt = 0; attempt < 12; attempt++) {
      const during = await deliver();
      t.equal(during.status, 503, 'not acknowledged: the provider will retry');
      t.notMatch(JSON.stringify(during.body), /ECONN|postgres|select|insert/i);
    }

    await proxy.restore();
    let ready = 0;
    for (let i = 0; i < 100 && ready !== 200; i++) {
      ready = (await call(app, { method: 'GET', url: '/readyz' })).status;
      if (ready !== 200) await sleep(100);
    }
    t.equal(ready, 200);
    const redelivered = await deliver();
    t.equal(redelivered.status, 200);
    t.same(redelivered.body, { received: true, applied: true }, 'applied on redelivery');
    const again = await deliver();
    t.same(again.body, { received: true, applied: false }, 'a further redelivery changes nothing');
    t.equal((await notifications()) - before, 1, 'one payment-failed notification');
  },
);

t.test('the mail server is down when a reset code is asked for: the code arrives once it is back', async (t) => {
  const port = await freePort();
  const app = await buildTestApp(t, { SMTP_URL: `smtp://127.0.0.1:${port}` });
  const user = await newUser(app);
  const requested = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/forgot-password',
    payload: { email: user.email },
  });
  t.equal(requested.status, 200, 'the answer does not wait for, or reveal, the mail server');
  const queued = () =>
    db(app.em()).selectFrom('jobs').select(['status', 'attempts']).where('name', '=', 'auth.send-reset-mail').execute();
  let jobs = await queued();
  for (let i = 0; i < 100 && jobs.length === 0; i++) {
    await sleep(50);
    jobs = await queued();
  }
  t.equal(jobs.length, 1, 'the refused mail is queued, not lost');

  const smtp = await startSmtpServer(port);
  t.teardown(() => smtp.close());
  // The retry's backoff is minutes; the test brings the retry forward instead of waiting.
  await db(app.em())
    .updateTable('jobs')
    .set({ run_at: new Date() })
    .where('name', '=', 'auth.send-reset-mail')
    .execute();
  await app.jobs.runner.tick();
  const mail = await smtp.next();
  t.same(mail.to, [user.email]);
  const otp = /code is (\d{6})/.exec(mail.raw.replace(/=\r?\n/g, ''))?.[1];
  t.match(otp, /^\d{6}$/);
  const verified = await call(app, {
    method: 'POST',
    url: '/api/v1/auth/forgot-password/verify',
    payload: { otp_code: otp },
    headers: { authorization: `Bearer ${requested.body.data.reset_token}` },
  });
  t.equal(verified.status, 200, 'the delivered code verifies the original request');
  t.match(await queued(), [{ status: 'done' }]);
});
