// Plans as stored (seeded by migration 0004), with the optional configured profile count.
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { Interval, PlanPrice } from './provider.ts';

export interface Plan {
  code: string;
  name: string;
  max_streams: number;
  max_resolution: string;
  max_profiles: number;
  price_month: number;
  price_year: number;
  currency: string;
  rank: number;
}

interface PlanRow extends Plan {}

/** BILLING_PROFILES_PER_PLAN, when set, overrides every plan's stored profile count. */
let profilesOverride: number | undefined;
export function configurePlans(options: { profilesPerPlan?: number }): void {
  profilesOverride = options.profilesPerPlan;
}

/** Profiles an account keeps without a subscription: as many as a plan gives (5, as Netflix does), so
 * that signing up, creating profiles and browsing never depend on paying first. */
export const profilesWithoutPlan = (): number => profilesOverride ?? 5;

const shape = (row: PlanRow): Plan => ({
  code: row.code,
  name: row.name,
  max_streams: Number(row.max_streams),
  max_resolution: row.max_resolution,
  max_profiles: profilesOverride ?? Number(row.max_profiles),
  price_month: Number(row.price_month),
  price_year: Number(row.price_year),
  currency: row.currency,
  rank: Number(row.rank),
});

const COLUMNS = 'code, name, max_streams, max_resolution, max_profiles, price_month, price_year, currency, rank';

export async function listPlans(em: Em): Promise<Plan[]> {
  const rows = await em.execute<PlanRow[]>(`select ${COLUMNS} from plans where active order by rank`);
  return rows.map(shape);
}

export async function findPlan(em: Em, code: string): Promise<Plan | null> {
  const rows = await em.execute<PlanRow[]>(`select ${COLUMNS} from plans where code = ?`, [code]);
  return rows[0] ? shape(rows[0]) : null;
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
