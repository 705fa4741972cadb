// Counts the SQL statements the app sends: every repository query goes through Kysely's query executor
// (MikroORM's own em.execute too), so wrapping its executeQuery sees each statement once.
import { DefaultQueryExecutor } from 'kysely';

type Execute = (this: unknown, query: { sql: string }, ...rest: unknown[]) => Promise<unknown>;

const base = Object.getPrototypeOf(DefaultQueryExecutor.prototype) as { executeQuery: Execute };
const original = base.executeQuery;
let log: string[] | null = null;

base.executeQuery = function (this: unknown, query, ...rest) {
  log?.push(query.sql);
  return original.call(this, query, ...rest);
};

/** The statements run while fn runs (nothing else may run SQL meanwhile), and fn's result. */
export async function statementsOf<T>(fn: () => Promise<T>): Promise<{ sql: string[]; result: T }> {
  if (log) throw new Error('statementsOf does not nest');
  log = [];
  try {
    const result = await fn();
    return { sql: log, result };
  } finally {
    log = null;
  }
}
