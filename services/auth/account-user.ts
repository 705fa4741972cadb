// The `user` object login, signup and refresh answer with: the account's name and email and the
// subscription tier seed 001 clients read.
import type { Static } from '@sinclair/typebox';
import type { AccountUser } from '../../schemas/auth.ts';
import { findAccount } from '../../repositories/accounts.ts';
import { subscriptionTier } from '../billing/entitlements.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';

export type AccountView = Static<typeof AccountUser>;

export async function accountUser(em: Em, userId: string): Promise<AccountView> {
  const [account, tier] = await Promise.all([findAccount(em, userId), subscriptionTier(em, userId)]);
  if (!account) throw new AppError('UNAUTHORIZED', 'The account no longer exists');
  return { id: account.id, name: account.fullName, email: account.email, subscription_tier: tier };
}
