// Opens the database: PostgreSQL when DATABASE_URL is set, PGlite persisted under DATA_DIR otherwise.
// The same entities and migrations serve both.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MikroORM as PgliteORM } from '@mikro-orm/pglite';
import { MikroORM as PostgresORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { EntityManager, MikroORM } from '@mikro-orm/sql';
import type { Pool, PoolClient } from 'pg';
import { entities } from '../../entities/index.ts';
import { migrationsList } from '../../migrations/index.ts';

export type Orm = MikroORM;
export type Em = EntityManager;

export interface OrmOptions {
  databaseUrl?: string;
  /** Folder of the embedded database; 'memory://' keeps it in memory (tests). */
  dataDir: string;
  poolMax?: number;
  debug?: boolean;
}

export async function openOrm(options: OrmOptions): Promise<Orm> {
  const common = {
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, snapshot: false, silent: true, allOrNothing: true },
    debug: options.debug ?? false,
    // Entities are plain data carriers here; queries run against explicit fields.
    forceUtcTimezone: true,
    allowGlobalContext: false,
  };
  if (options.databaseUrl) {
    return (await PostgresORM.init({
      ...common,
      clientUrl: options.databaseUrl,
      pool: { min: 0, max: options.poolMax ?? 10 },
      driverOptions: { onPoolCreated: releaseDeadClients },
    })) as unknown as Orm;
  }
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const inMemory = options.dataDir.startsWith('memory://');
  const dbName = inMemory ? 'memory://' : path.resolve(options.dataDir, 'pg');
  if (!inMemory) mkdirSync(dbName, { recursive: true });
  return (await PgliteORM.init({ ...common, dbName, driverOptions: { extensions: { pg_trgm } } })) as unknown as Orm;
}

/**
 * Gives a checked-out connection back to the pool (to be discarded) when the server drops it. Kysely
 * releases a transaction's connection only when BEGIN, COMMIT or ROLLBACK succeeds, so a connection that
 * dies mid-transaction would stay checked out forever: a few database blips would exhaust the pool and
 * hang shutdown. An idle connection is discarded by the pool itself; releasing it again throws, ignored.
 */
function releaseDeadClients(pool: Pool): void {
  pool.on('connect', (client: PoolClient) => {
    const discard = (err?: Error) => {
      try {
        client.release(err ?? new Error('connection ended'));
      } catch {
        // Idle, or released already.
      }
      // The pool has dropped it: a later release by its holder is a no-op, not a double-release error.
      client.release = () => {};
    };
    client.on('error', discard);
    client.on('end', () => discard());
  });
}

export async function migrate(orm: Orm): Promise<string[]> {
  const done = await orm.migrator.up();
  return done.map((m: { name: string }) => m.name);
}
