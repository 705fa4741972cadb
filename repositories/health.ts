// The database probe of the health and readiness checks.
import { sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { db } from './db.ts';

/** One round trip to the database. */
export async function ping(em: Em): Promise<void> {
  await sql`select 1`.execute(db(em));
}
