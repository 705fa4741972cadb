// /subscriptions: the caller's own subscription: subscribe, read, change plan or card, cancel, resume.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { bearer, errors, optionalBody } from '../../schemas/common.ts';
import {
  CancelBody,
  ChangeSubscriptionBody,
  CreateSubscriptionBody,
  EmptyBody,
  IdempotencyHeaders,
  SubscriptionResponse,
} from '../../schemas/billing.ts';
import {
  cancelSubscription,
  changeSubscription,
  getCurrent,
  resumeSubscription,
  subscribe,
  type BillingDeps,
} from '../../services/billing/subscriptions.ts';
import { respondIdempotently } from '../../plugins/billing.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  const tags = ['billing'];
  const deps = (request: FastifyRequest): BillingDeps => ({
    em: request.em,
    config: app.config,
    log: request.log,
    billing: app.billing.provider,
  });
  const idem =
    'Accepts an `Idempotency-Key` header: the same key and body within 24 h return the stored answer ' +
    'without charging again; a different body is 422, a repeat still in flight 409.';

  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Subscribe to a plan',
        description: `Charges the first period at once (or starts a trial of \`trial_days\`). A declined card is 402 PAYMENT_FAILED with the provider's reason and leaves no subscription. ${idem}`,
        security: bearer,
        headers: IdempotencyHeaders,
        body: CreateSubscriptionBody,
        response: { 201: SubscriptionResponse, ...errors(400, 401, 402, 409, 422, 429) },
      },
    },
    (request, reply) =>
      respondIdempotently(request, reply, 201, async () => ({
        success: true,
        message: 'Subscription created',
        data: await subscribe(deps(request), request.auth!.userId, {
          ...request.body,
          interval: request.body.interval ?? 'month',
        }),
      })),
  );

  app.get(
    '/current',
    {
      schema: {
        tags,
        summary: 'Get my subscription and entitlements',
        description:
          'The live subscription (or the last ended one) and what it allows; `subscription` is null without one.',
        security: bearer,
        response: { 200: SubscriptionResponse, ...errors(401, 429) },
      },
    },
    async (request) => ({ success: true as const, data: await getCurrent(deps(request), request.auth!.userId) }),
  );

  app.patch(
    '/current',
    {
      schema: {
        tags,
        summary: 'Change plan, interval or payment method',
        description:
          'Upgrades (a higher plan, or a new interval) apply at once and invoice the prorated difference; downgrades wait for the period end ' +
          '(`pending_change`); asking for the current plan withdraws a pending change. A new `payment_method` ' +
          'pays an open invoice of a past_due subscription at once.',
        security: bearer,
        body: ChangeSubscriptionBody,
        response: { 200: SubscriptionResponse, ...errors(400, 401, 402, 404, 409, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      message: 'Subscription updated',
      data: await changeSubscription(deps(request), request.auth!.userId, request.body),
    }),
  );

  app.post(
    '/current/cancel',
    {
      preValidation: optionalBody,
      schema: {
        tags,
        summary: 'Cancel my subscription',
        description: `At the period end by default (access continues until then); \`immediately: true\` ends it now. ${idem}`,
        security: bearer,
        headers: IdempotencyHeaders,
        body: CancelBody,
        response: { 200: SubscriptionResponse, ...errors(400, 401, 404, 409, 422, 429) },
      },
    },
    (request, reply) =>
      respondIdempotently(request, reply, 200, async () => ({
        success: true,
        message: 'Subscription canceled',
        data: await cancelSubscription(deps(request), request.auth!.userId, request.body?.immediately ?? false),
      })),
  );

  app.post(
    '/current/resume',
    {
      preValidation: optionalBody,
      schema: {
        tags,
        summary: 'Undo a scheduled cancel',
        description: idem,
        security: bearer,
        headers: IdempotencyHeaders,
        body: EmptyBody,
        response: { 200: SubscriptionResponse, ...errors(400, 401, 404, 409, 422, 429) },
      },
    },
    (request, reply) =>
      respondIdempotently(request, reply, 200, async () => ({
        success: true,
        message: 'Subscription resumed',
        data: await resumeSubscription(deps(request), request.auth!.userId),
      })),
  );
};

export default routes;
