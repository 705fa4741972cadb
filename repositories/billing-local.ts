// The built-in billing provider's own books (billing_local_*): its customers and their default card, its
// subscriptions, and the renewals, retries and scheduled cancels that fall due.
import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { type DB, tdb, toDate } from './db.ts';

export type LocalSubscriptionRow = Selectable<DB['billing_local_subscriptions']>;
export type LocalSubscriptionChanges = Omit<Updateable<DB['billing_local_subscriptions']>, 'id' | 'updated_at'>;

export async function insertLocalCustomer(em: Em, id: string, email: string, at: Date): Promise<void> {
  await tdb(em).insertInto('billing_local_customers').values({ id, email, created_at: at }).execute();
}

export async function setLocalCard(em: Em, customer: string, card: string): Promise<void> {
  await tdb(em).updateTable('billing_local_customers').set({ card_number: card }).where('id', '=', customer).execute();
}

/** The customer's default card number, or null (no card, or no such customer). */
export async function localCard(em: Em, customer: string): Promise<string | null> {
  const row = await tdb(em)
    .selectFrom('billing_local_customers')
    .select('card_number')
    .where('id', '=', customer)
    .executeTakeFirst();
  return row?.card_number ?? null;
}

/** One subscription, locked for the caller's transaction unless lock is false. */
export async function localSubscription(em: Em, id: string, lock = true): Promise<LocalSubscriptionRow | null> {
  const query = tdb(em).selectFrom('billing_local_subscriptions').selectAll().where('id', '=', id);
  const row = await (lock ? query.forUpdate() : query).executeTakeFirst();
  return row ?? null;
}

export async function insertLocalSubscription(
  em: Em,
  values: Insertable<DB['billing_local_subscriptions']>,
): Promise<void> {
  await tdb(em).insertInto('billing_local_subscriptions').values(values).execute();
}

/** Applies the changes with updated_at = at (the provider clock) and returns the row as it now is. */
export async function updateLocalSubscription(
  em: Em,
  id: string,
  changes: LocalSubscriptionChanges,
  at: Date,
): Promise<LocalSubscriptionRow> {
  return tdb(em)
    .updateTable('billing_local_subscriptions')
    .set({ ...changes, updated_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Up to `limit` subscriptions due by `until` (a renewal at the period end, or a payment retry), oldest due
 * first, locked; rows another renewal pass holds are skipped.
 */
export async function dueLocalSubscriptions(
  em: Em,
  until: Date,
  limit: number,
): Promise<Array<LocalSubscriptionRow & { due_at: Date }>> {
  const dueAt = sql<Date | string>`case when status = 'past_due' then next_retry_at else current_period_end end`;
  const rows = await tdb(em)
    .selectFrom('billing_local_subscriptions')
    .selectAll()
    .select(dueAt.as('due_at'))
    .where((eb) =>
      eb.or([
        eb.and([eb('status', 'in', ['trialing', 'active']), eb('current_period_end', '<=', until)]),
        eb.and([eb('status', '=', 'past_due'), eb('next_retry_at', '<=', until)]),
      ]),
    )
    .orderBy('due_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((row) => ({ ...row, due_at: toDate(row.due_at) }));
}
