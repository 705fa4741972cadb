// What an account may do, read from its subscription's state: the one function every other part
// (playback, profiles, stream slots) asks, and the guard that turns "no" into 402 SUBSCRIPTION_REQUIRED.
import type { Static } from '@sinclair/typebox';
import { entitlingSubscription } from '../../repositories/subscriptions.ts';
import type { Entitlements as EntitlementsSchema } from '../../schemas/billing.ts';
import { AppError } from '../errors.ts';
import { findPlan, type PlanDeps, profilesWithoutPlan } from './plans.ts';

export type Entitlements = Static<typeof EntitlementsSchema>;

// past_due keeps access while the provider retries the payment (Stripe's dunning period); access ends
// when the subscription is finally canceled. incomplete never had a successful first payment.
const ENTITLED: ReadonlySet<string> = new Set(['trialing', 'active', 'past_due']);

export async function entitlements(deps: PlanDeps, userId: string): Promise<Entitlements> {
  const row = await entitlingSubscription(deps.em, userId);
  if (!row || !ENTITLED.has(row.status)) {
    return {
      active: false,
      plan: null,
      max_streams: 0,
      max_resolution: null,
      max_profiles: profilesWithoutPlan(deps.config),
      status: row?.status ?? 'none',
    };
  }
  const plan = await findPlan(deps, row.plan_code);
  if (!plan) throw new Error(`subscription refers to a missing plan ${row.plan_code}`);
  return {
    active: true,
    plan: plan.code,
    max_streams: plan.max_streams,
    max_resolution: plan.max_resolution,
    max_profiles: plan.max_profiles,
    status: row.status,
  };
}

/** The entitlements of an account that may play, or 402 SUBSCRIPTION_REQUIRED. */
export async function requireEntitlement(deps: PlanDeps, userId: string): Promise<Entitlements> {
  const current = await entitlements(deps, userId);
  if (!current.active) {
    throw new AppError('SUBSCRIPTION_REQUIRED', 'An active subscription is needed to play this', {
      status: current.status,
    });
  }
  return current;
}
