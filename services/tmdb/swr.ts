// Stale-while-revalidate over the shared Cache: entries carry their fetch time, so freshness is judged
// here (with the injected clock) rather than by the store's expiry, and a stale copy outlives its TTL
// to cover upstream outages.
import type { Cache } from '../cache/types.ts';
import { createSingleFlight } from '../cache/single-flight.ts';
import { cacheCounters } from '../metrics/registry.ts';

const lookups = cacheCounters('tmdb');

interface Stored<T> {
  at: number;
  v: T;
}

export interface SwrCounters {
  cacheHits: number;
  cacheMisses: number;
  staleServed: number;
  backgroundRefreshes: number;
}

export interface SwrOptions {
  cache: Cache;
  now: () => number;
  staleFactor: number;
  counters: SwrCounters;
  /** Whether a failed fetch may be answered with an old copy (a 404 must not be). */
  canServeStale: (err: unknown) => boolean;
  logger?: { warn(obj: object, msg?: string): void };
}

export function createSwr(options: SwrOptions) {
  const { cache, now, counters, logger } = options;
  const singleFlight = createSingleFlight();
  // Past the revalidation window the copy is kept as long again, but only as an outage fallback.
  const keepSeconds = (ttl: number) => Math.max(ttl + 1, Math.ceil(ttl * options.staleFactor * 2));

  const read = async <T>(key: string): Promise<Stored<T> | null> => {
    try {
      const hit = await cache.getJson<Stored<T>>(key);
      return hit && typeof hit.at === 'number' && 'v' in hit ? hit : null;
    } catch (err) {
      // A broken cache degrades to "miss": the catalog keeps working straight from upstream.
      logger?.warn({ key, err: (err as Error).message }, 'catalog cache read failed');
      return null;
    }
  };

  const refresh = <T>(key: string, ttl: number, fetch: () => Promise<T>): Promise<T> =>
    singleFlight(key, async () => {
      const value = await fetch();
      try {
        await cache.setJson(key, { at: now(), v: value } satisfies Stored<T>, keepSeconds(ttl));
      } catch (err) {
        logger?.warn({ key, err: (err as Error).message }, 'catalog cache write failed');
      }
      return value;
    });

  /** Cached value for key, fetching (once per key at a time) when missing or too old. */
  async function get<T>(key: string, ttlSeconds: number, fetch: () => Promise<T>): Promise<T> {
    const entry = await read<T>(key);
    if (!entry) {
      counters.cacheMisses++;
      lookups.miss.inc();
      return refresh(key, ttlSeconds, fetch);
    }
    const age = now() - entry.at;
    if (age < ttlSeconds * 1000) {
      counters.cacheHits++;
      lookups.hit.inc();
      return entry.v;
    }
    if (age < ttlSeconds * options.staleFactor * 1000) {
      counters.staleServed++;
      lookups.stale.inc();
      counters.backgroundRefreshes++;
      refresh(key, ttlSeconds, fetch).catch((err: Error) => {
        logger?.warn({ key, err: err.message }, 'catalog background refresh failed; serving the stale copy');
      });
      return entry.v;
    }
    try {
      return await refresh(key, ttlSeconds, fetch);
    } catch (err) {
      if (!options.canServeStale(err)) throw err;
      counters.staleServed++;
      logger?.warn({ key, ageMs: age, err: (err as Error).message }, 'catalog provider failed; serving an old copy');
      return entry.v;
    }
  }

  return { get };
}
