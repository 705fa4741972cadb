// The ip_blacklist table's SQL: timed blocks of one client address.
import { sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { db, toDate } from './db.ts';

/** When the address's latest block ends, or null when it is not blocked now. */
export async function blockedUntil(em: Em, ip: string): Promise<Date | null> {
  const row = await db(em)
    .selectFrom('ip_blacklist')
    .select((eb) => eb.fn.max('blocked_until').as('until'))
    .where('ip_address', '=', ip)
    .where('blocked_until', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row?.until ? toDate(row.until) : null;
}

export async function insertBlock(em: Em, block: { ip: string; until: Date; reason: string }): Promise<void> {
  await db(em)
    .insertInto('ip_blacklist')
    .values({ id: crypto.randomUUID(), ip_address: block.ip, reason: block.reason, blocked_until: block.until })
    .execute();
}
