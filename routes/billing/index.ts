// /billing: invoices, Stripe Checkout and customer-portal links, and the provider webhook (raw body).
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { bearer, errors, optionalBody, pageQuery, pagination } from '../../schemas/common.ts';
import {
  CheckoutBody,
  EmptyBody,
  IdempotencyHeaders,
  InvoicesResponse,
  SessionResponse,
  WebhookResponse,
} from '../../schemas/billing.ts';
import type { FastifyRequest } from 'fastify';
import {
  checkoutSession,
  listInvoices,
  portalSession,
  type BillingDeps,
} from '../../services/billing/subscriptions.ts';
import { handleWebhook } from '../../services/billing/webhooks.ts';
import { respondIdempotently } from '../../plugins/billing.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['billing'];
  const base = app.config.PUBLIC_BASE_URL.replace(/\/$/, '');

  // The webhook lives in its own context: its JSON stays a Buffer, because the signature covers the exact bytes.
  await app.register(async (hook) => {
    hook.removeContentTypeParser('application/json');
    hook.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    hook.post(
      '/webhook',
      {
        config: { rateLimit: false },
        schema: {
          tags,
          summary: 'Provider webhook (Stripe events)',
          description:
            "Verifies `Stripe-Signature` on the raw body (300 s tolerance), records the event id and applies it once, in the order of the objects' state. " +
            'Answers 200 only after the change is committed; a bad signature, a changed body or a timestamp over 300 s old or ahead is 400.',
          response: { 200: WebhookResponse, ...errors(400, 500) },
        },
      },
      async (request) => {
        const rawBody = Buffer.isBuffer(request.body)
          ? request.body
          : Buffer.from(typeof request.body === 'string' ? request.body : '');
        const outcome = await handleWebhook(
          { ...request.deps, realtime: app.realtime ?? null },
          app.billing.provider.name,
          { rawBody, signature: request.headers['stripe-signature'], secret: app.billing.webhookSecret },
        );
        return { received: true, applied: outcome.applied };
      },
    );
  });

  await app.register(async (scope) => {
    const authed = scope.withTypeProvider<TypeBoxTypeProvider>();
    authed.addHook('onRequest', app.authenticate);
    const deps = (request: FastifyRequest): BillingDeps => ({
      em: request.em,
      config: app.config,
      log: request.log,
      billing: app.billing.provider,
    });

    authed.get(
      '/invoices',
      {
        schema: {
          tags,
          summary: 'List my invoices',
          description: 'Newest first.',
          security: bearer,
          querystring: Type.Object(pageQuery(100)),
          response: { 200: InvoicesResponse, ...errors(400, 401, 429) },
        },
      },
      async (request) => {
        const { page, limit } = request.query;
        const { invoices, total } = await listInvoices(request.deps, request.auth!.userId, page, limit);
        return { success: true as const, data: { invoices, pagination: pagination(page, limit, total) } };
      },
    );

    authed.post(
      '/checkout-session',
      {
        schema: {
          tags,
          summary: 'Start a Stripe Checkout for a plan',
          description:
            'Stripe provider only (422 with the built-in one). Returns the hosted page URL; the subscription arrives by webhook. Accepts `Idempotency-Key`.',
          security: bearer,
          headers: IdempotencyHeaders,
          body: CheckoutBody,
          response: { 201: SessionResponse, ...errors(400, 401, 409, 422, 429, 503) },
        },
      },
      (request, reply) =>
        respondIdempotently(request, reply, 201, async () => ({
          success: true,
          data: await checkoutSession(
            deps(request),
            request.auth!.userId,
            { plan: request.body.plan, interval: request.body.interval ?? 'month' },
            {
              successUrl: `${base}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
              cancelUrl: `${base}/billing/canceled`,
            },
          ),
        })),
    );

    authed.post(
      '/portal-session',
      {
        preValidation: optionalBody,
        schema: {
          tags,
          summary: 'Open the Stripe customer portal',
          description:
            'Stripe provider only (422 with the built-in one): a link where the customer manages cards and invoices. Accepts `Idempotency-Key`.',
          security: bearer,
          headers: IdempotencyHeaders,
          body: EmptyBody,
          response: { 201: SessionResponse, ...errors(400, 401, 404, 422, 429, 503) },
        },
      },
      (request, reply) =>
        respondIdempotently(request, reply, 201, async () => ({
          success: true,
          data: await portalSession(deps(request), request.auth!.userId, `${base}/account`),
        })),
    );
  });
};

export default routes;
