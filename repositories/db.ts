// The typed query builder over the entities: every repository builds its SQL through `db(em)`, so row
// types come from the model (entities/), not from casts. It runs in the entity manager's transaction.
import type { InferKyselyDB } from '@mikro-orm/sql';
import type { Kysely } from 'kysely';
import type { EntitySchemas } from '../entities/index.ts';
import type { Em } from '../services/db/orm.ts';

export type DB = InferKyselyDB<EntitySchemas>;

export function db(em: Em): Kysely<DB> {
  return em.getKysely<DB>();
}
