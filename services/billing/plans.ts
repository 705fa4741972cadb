// Plans as stored (seeded by migration 0004), with the optional configured profile count.
import type { Static } from '@sinclair/typebox';
import { activePlans, planByCode, type PlanRow } from '../../repositories/plans.ts';
import type { Plan as PlanSchema } from '../../schemas/billing.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import type { Interval, PlanPrice } from './provider.ts';

/** A plan as the API shows it, with its rank (upgrade order), which the rules need and the API does not show. */
export type Plan = Static<typeof PlanSchema> & Pick<PlanRow, 'rank'>;

/** The config's BILLING_PROFILES_PER_PLAN, when set, overrides every plan's stored profile count. */
export type PlanDeps = Pick<Deps, 'em' | 'config'>;

/** Profiles an account keeps without a subscription: as many as a plan gives (5, as Netflix does), so
 * that signing up, creating profiles and browsing never depend on paying first. */
export const profilesWithoutPlan = (config: PlanDeps['config']): number => config.BILLING_PROFILES_PER_PLAN ?? 5;

const shape = (config: PlanDeps['config'], row: PlanRow): Plan => ({
  ...row,
  max_profiles: config.BILLING_PROFILES_PER_PLAN ?? row.max_profiles,
});

export async function listPlans(deps: PlanDeps): Promise<Plan[]> {
  return (await activePlans(deps.em)).map((row) => shape(deps.config, row));
}

export async function findPlan(deps: PlanDeps, code: string): Promise<Plan | null> {
  const row = await planByCode(deps.em, code);
  return row ? shape(deps.config, row) : null;
}

export async function requirePlan(deps: PlanDeps, code: string): Promise<Plan> {
  const plan = await findPlan(deps, code);
  if (!plan)
    throw new AppError('INVALID_REQUEST', `Unknown plan "${code}"`, {
      fields: [{ field: 'plan', in: 'body', message: 'is not a plan' }],
    });
  return plan;
}

export function priceOf(plan: Plan, interval: Interval): PlanPrice {
  return {
    code: plan.code,
    interval,
    amount: interval === 'year' ? plan.price_year : plan.price_month,
    currency: plan.currency,
  };
}
