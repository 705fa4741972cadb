// The billing provider as app.billing: Stripe when STRIPE_SECRET_KEY is set (or BILLING_PROVIDER=stripe),
// the built-in provider otherwise. The built-in one delivers its signed events to this app's own webhook
// route and renews on a timer; tests drive its clock instead.
import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BillingProvider } from '../services/billing/provider.ts';
import { createLocalProvider } from '../services/billing/local-provider.ts';
import { createStripeProvider } from '../services/billing/stripe-provider.ts';
import { priceOf, requirePlan } from '../services/billing/plans.ts';
import { idempotent, purgeExpiredKeys } from '../services/billing/idempotency.ts';

export interface Billing {
  provider: BillingProvider;
  /** The whsec_ secret webhooks are verified with (generated per process for the built-in provider when unset). */
  webhookSecret: string;
  /** The provider's clock; advance() exists on the built-in provider only and runs what falls due. */
  clock: { now(): Date; advance(days: number): Promise<void> };
  /** Renewals, payment retries and scheduled cancels due now (built-in provider; Stripe renews by itself). */
  runRenewals(now?: Date): Promise<number>;
  /** Waits until every emitted webhook event has been delivered (built-in provider). */
  settle(): Promise<void>;
}

/** Sends fn's body with status, through the Idempotency-Key store (replays say so in Idempotent-Replayed). */
export async function respondIdempotently(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  fn: () => Promise<unknown>,
) {
  const key = request.headers['idempotency-key'];
  const out = await idempotent(
    request.deps,
    {
      userId: request.auth!.userId,
      key: Array.isArray(key) ? key[0] : key,
      method: request.method,
      path: request.routeOptions.url ?? request.url,
      body: request.body ?? {},
    },
    async () => ({ status, body: await fn() }),
  );
  if (out.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(out.status).send(out.body);
}

declare module 'fastify' {
  interface FastifyInstance {
    billing: Billing;
  }
}

export const WEBHOOK_PATH = '/api/v1/billing/webhook';

export default fp(
  async (app) => {
    const { config } = app;
    const useStripe =
      config.BILLING_PROVIDER === 'stripe' || (config.BILLING_PROVIDER === 'auto' && Boolean(config.STRIPE_SECRET_KEY));
    const webhookSecret = config.STRIPE_WEBHOOK_SECRET ?? `whsec_${randomBytes(24).toString('base64url')}`;

    if (useStripe) {
      if (!config.STRIPE_SECRET_KEY) throw new Error('BILLING_PROVIDER=stripe needs STRIPE_SECRET_KEY');
      if (!config.STRIPE_WEBHOOK_SECRET)
        app.log.warn('STRIPE_WEBHOOK_SECRET is unset: Stripe webhooks will be refused');
      const provider = createStripeProvider({ secretKey: config.STRIPE_SECRET_KEY, apiBase: config.STRIPE_API_BASE });
      app.decorate('billing', {
        provider,
        webhookSecret,
        clock: {
          now: () => new Date(),
          advance: async () => {
            throw new Error('The Stripe clock cannot be advanced (use Stripe test clocks)');
          },
        },
        runRenewals: async () => 0,
        settle: async () => {},
      });
    } else {
      const local = createLocalProvider({
        em: () => app.em(),
        webhookSecret,
        log: app.log,
        clock: app.clock,
        price: async (em, plan, interval) => priceOf(await requirePlan({ em, config }, plan), interval),
        deliver: async (payload, signature) => {
          const res = await app.inject({
            method: 'POST',
            url: WEBHOOK_PATH,
            payload,
            headers: { 'content-type': 'application/json', 'stripe-signature': signature },
          });
          if (res.statusCode >= 300) throw new Error(`webhook answered ${res.statusCode}: ${res.body}`);
        },
      });
      app.decorate('billing', {
        provider: local,
        webhookSecret,
        clock: local.clock,
        runRenewals: local.runRenewals,
        settle: local.settle,
      });
    }

    const every = config.BILLING_RENEWAL_INTERVAL_SECONDS;
    let timer: NodeJS.Timeout | undefined;
    if (every > 0) {
      app.addHook('onReady', async () => {
        timer = setInterval(() => {
          app.billing.runRenewals().catch((err) => app.log.error({ err }, 'billing renewals failed'));
          purgeExpiredKeys(app.em(), app.clock.now()).catch((err) =>
            app.log.error({ err }, 'idempotency key purge failed'),
          );
        }, every * 1000);
        timer.unref();
      });
    }
    app.addHook('preClose', async () => {
      if (timer) clearInterval(timer);
      await app.billing.settle();
    });
  },
  { name: 'billing', dependencies: ['config', 'db'] },
);
