// People and their credits on titles: bulk writes from imports, an admin's typed-in cast and directors,
// and the credits the details, the admin view and the browse cards show.
import type { Insertable } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { type DB, db } from './db.ts';

type PersonValues = Insertable<DB['people']>;
type CreditValues = Insertable<DB['credits']>;
export type Role = DB['credits']['role'];

/** Upserts people by id; a missing picture never erases a stored one. */
export async function upsertPeople(em: Em, rows: PersonValues[]): Promise<void> {
  if (rows.length === 0) return;
  await db(em)
    .insertInto('people')
    .values(rows)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        profile_path: eb.fn.coalesce(eb.ref('excluded.profile_path'), eb.ref('people.profile_path')),
      })),
    )
    .execute();
}

export async function insertCredits(em: Em, rows: CreditValues[]): Promise<void> {
  if (rows.length === 0) return;
  await db(em).insertInto('credits').values(rows).execute();
}

/** Removes the credits of the titles (of one role only when given). */
export async function deleteCredits(em: Em, titleIds: string[], role?: Role): Promise<void> {
  if (titleIds.length === 0) return;
  let q = db(em).deleteFrom('credits').where('title_id', 'in', titleIds);
  if (role) q = q.where('role', '=', role);
  await q.execute();
}

/** A person with exactly this name, preferring TMDb people (so a cast sent back does not duplicate anyone). */
export async function findPersonByName(em: Em, name: string): Promise<string | undefined> {
  const row = await db(em)
    .selectFrom('people')
    .select('id')
    .where('name', '=', name)
    .orderBy((eb) => eb('tmdb_id', 'is', null))
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

export async function insertPerson(em: Em, id: string, name: string): Promise<void> {
  await db(em).insertInto('people').values({ id, name }).execute();
}

export interface CreditRow {
  id: string;
  name: string;
  profile_path: string | null;
  role: Role;
  character: string | null;
  ord: number;
}

const credited = (em: Em, titleId: string) =>
  db(em)
    .selectFrom('credits as c')
    .innerJoin('people as p', 'p.id', 'c.person_id')
    .select(['p.id', 'p.name', 'p.profile_path', 'c.role', 'c.character', 'c.ord'])
    .where('c.title_id', '=', titleId);

/** The credits a title's details show: directors and cast in billing order, at most 60. */
export async function billedCredits(em: Em, titleId: string): Promise<CreditRow[]> {
  return credited(em, titleId).orderBy('c.role').orderBy('c.ord').limit(60).execute();
}

/** The billed credits of many titles at once (directors and cast in billing order), with their title. */
export async function billedCreditsOf(em: Em, titleIds: string[]): Promise<Array<CreditRow & { title_id: string }>> {
  if (titleIds.length === 0) return [];
  return db(em)
    .selectFrom('credits as c')
    .innerJoin('people as p', 'p.id', 'c.person_id')
    .select(['c.title_id', 'p.id', 'p.name', 'p.profile_path', 'c.role', 'c.character', 'c.ord'])
    .where('c.title_id', 'in', titleIds)
    .orderBy('c.title_id')
    .orderBy('c.role')
    .orderBy('c.ord')
    .execute();
}

/** Every credit of a title, for the admin view (ties in billing by name). */
export async function allCredits(em: Em, titleId: string): Promise<CreditRow[]> {
  return credited(em, titleId).orderBy('c.role').orderBy('c.ord').orderBy('p.name').execute();
}

/** Directors and the top three cast of each title, for a page of browse cards (one query). */
export async function topCredits(
  em: Em,
  titleIds: string[],
): Promise<Array<{ title_id: string; name: string; role: Role }>> {
  if (titleIds.length === 0) return [];
  return db(em)
    .selectFrom('credits as c')
    .innerJoin('people as p', 'p.id', 'c.person_id')
    .select(['c.title_id', 'p.name', 'c.role'])
    .where('c.title_id', 'in', titleIds)
    .where((eb) => eb.or([eb('c.role', '=', 'director'), eb('c.ord', '<', 3)]))
    .orderBy('c.title_id')
    .orderBy('c.role', 'desc')
    .orderBy('c.ord')
    .execute();
}
