// Plans as stored (seeded by migration 0004), with the optional configured profile count.
import type { Static } from '@sinclair/typebox';
import { activePlans, planByCode, type PlanRow } from '../../repositories/plans.ts';
import type { Plan as PlanSchema } from '../../schemas/billing.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { Interval, PlanPrice } from './provider.ts';

/** A plan as the API shows it, with its rank (upgrade order), which the rules need and the API does not show. */
export type Plan = Static<typeof PlanSchema> & Pick<PlanRow, 'rank'>;

/** BILLING_PROFILES_PER_PLAN, when set, overrides every plan's stored profile count. */
let profilesOverride: number | undefined;
export function configurePlans(options: { profilesPerPlan?: number }): void {
  profilesOverride = options.profilesPerPlan;
}

/** Profiles an account keeps without a subscription: as many as a plan gives (5, as Netflix does), so
 * that signing up, creating profiles and browsing never depend on paying first. */
export const profilesWithoutPlan = (): number => profilesOverride ?? 5;

const shape = (row: PlanRow): Plan => ({ ...row, max_profiles: profilesOverride ?? row.max_profiles });

export async function listPlans(em: Em): Promise<Plan[]> {
  return (await activePlans(em)).map(shape);
}

export async function findPlan(em: Em, code: string): Promise<Plan | null> {
  const row = await planByCode(em, code);
  return row ? shape(row) : null;
}

export async function requirePlan(em: Em, code: string): Promise<Plan> {
  const plan = await findPlan(em, code);
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
