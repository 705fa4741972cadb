// /plans: the subscription plans, public.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../../schemas/common.ts';
import { PlansResponse } from '../../schemas/billing.ts';
import { listPlans } from '../../services/billing/plans.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      schema: {
        tags: ['billing'],
        summary: 'List the subscription plans',
        description: 'Prices are in minor units (cents) of `currency`, per month and per year.',
        response: { 200: PlansResponse, ...errors(429) },
      },
    },
    async (request) => {
      const plans = await listPlans(request.deps);
      return { success: true as const, data: { plans } };
    },
  );
};

export default routes;
