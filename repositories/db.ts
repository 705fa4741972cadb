// The typed query builder over the entities and the one place timestamps are converted: every repository
// builds its SQL through `db(em)`, so row types come from the model (entities/), not from casts. It runs in
// the entity manager's transaction.
import type { InferKyselyDB } from '@mikro-orm/sql';
import type { Kysely } from 'kysely';
import type { EntitySchemas } from '../entities/index.ts';
import type { Em } from '../services/db/orm.ts';

export type DB = InferKyselyDB<EntitySchemas>;

export function db(em: Em): Kysely<DB> {
  return em.getKysely<DB>();
}

/**
 * The builder with the entities' value conversion on: entity columns come back as their model types
 * (timestamps as Date) on PGlite and PostgreSQL alike, so callers convert nothing.
 */
export function tdb(em: Em): Kysely<DB> {
  return em.getKysely<DB, { convertValues: true }>({ convertValues: true });
}

/**
 * A timestamp read through `db(em)` or from an expression the entities do not describe (a case, an
 * aggregate): the drivers give the text (the ORM leaves it unparsed) although the model types it as Date.
 */
export const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

/** Counts come back as bigint text from PostgreSQL and as numbers from PGlite. */
export const toCount = (value: string | number | bigint | null | undefined): number => Number(value ?? 0);
