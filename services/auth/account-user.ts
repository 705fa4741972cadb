// The `user` object login, signup and refresh answer with: the account's name and email and the
// subscription tier seed 001 clients read.
import type { Static } from '@sinclair/typebox';
import type { AccountUser } from '../../schemas/auth.ts';
import { findAccount } from '../../repositories/accounts.ts';
import { livePlanCode } from '../../repositories/subscriptions.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';

export type AccountView = Static<typeof AccountUser>;

/** The tier of an account whose subscription does not entitle it (none, canceled or incomplete). */
export const FREE_TIER = 'free';

/**
 * `subscription_tier` is the plan code of the subscription that entitles the account (the statuses that
 * entitle are those of services/billing/entitlements.ts, read through the same repository query).
 */
export async function accountUser(em: Em, userId: string): Promise<AccountView> {
  const [account, plan] = await Promise.all([findAccount(em, userId), livePlanCode(em, userId)]);
  if (!account) throw new AppError('UNAUTHORIZED', 'The account no longer exists');
  return { id: account.id, name: account.fullName, email: account.email, subscription_tier: plan ?? FREE_TIER };
}
