// The typed query builder with the entities' value conversion on: entity columns come back as their model
// types (timestamps as Date, JSON parsed) on PGlite and PostgreSQL alike, so callers convert nothing.
import type { Kysely } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import type { DB } from './db.ts';

export function tdb(em: Em): Kysely<DB> {
  return em.getKysely<DB, { convertValues: true }>({ convertValues: true });
}

/** A timestamp from an expression the entities do not describe (a case, an aggregate): drivers give text. */
export const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

/** Counts come back as bigint text from PostgreSQL and as numbers from PGlite. */
export const toCount = (value: string | number | bigint | null | undefined): number => Number(value ?? 0);
