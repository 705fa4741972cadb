// The plans table (seeded by migration 0004): the active plans in upgrade order, and one plan by code.
import type { Selectable } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { type DB, tdb } from './db.ts';

const COLUMNS = [
  'code',
  'name',
  'max_streams',
  'max_resolution',
  'max_profiles',
  'price_month',
  'price_year',
  'currency',
  'rank',
] as const;

export type PlanRow = Pick<Selectable<DB['plans']>, (typeof COLUMNS)[number]>;

export function activePlans(em: Em): Promise<PlanRow[]> {
  return tdb(em).selectFrom('plans').select(COLUMNS).where('active', '=', true).orderBy('rank').execute();
}

export async function planByCode(em: Em, code: string): Promise<PlanRow | null> {
  return (await tdb(em).selectFrom('plans').select(COLUMNS).where('code', '=', code).executeTakeFirst()) ?? null;
}
