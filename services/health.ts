// Checks the database and the cache with a short timeout each, for health and readiness probes.
import { ping } from '../repositories/health.ts';
import type { Cache } from './cache/types.ts';
import type { Em } from './db/orm.ts';

const within = <T>(ms: number, p: Promise<T>): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

export async function checkDependencies(
  em: Em,
  cache: Cache,
  redis: boolean,
): Promise<{ database: string; cache: string }> {
  const [db, kv] = await Promise.allSettled([within(2000, ping(em)), within(1000, cache.ping())]);
  return {
    database: db.status === 'fulfilled' ? 'up' : 'down',
    cache: `${kv.status === 'fulfilled' ? 'up' : 'down'} (${redis ? 'redis' : 'in-process'})`,
  };
}
