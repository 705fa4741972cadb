// The per-instance tier of what a signed-in read needs besides the catalog: the viewer behind a login
// session and profile header, and a profile's flags for a cached page of titles. Entries carry the
// account's version: any write by the account bumps it here and, through the invalidation bus
// (plugins/personal-cache.ts), on every other instance, so no entry outlives a change that affects it.
import { LRUCache } from 'lru-cache';
import type { Cache } from './types.ts';
import { cacheCounters } from '../metrics/registry.ts';

const lookups = cacheCounters('personal');

const TTL_MS = 60_000;

/**
 * Requests that write nothing although their method is not GET (a GraphQL query sent with POST): the
 * personal-cache plugin does not bump the account's version for them.
 */
export const readOnlyRequests = new WeakSet<object>();

export interface PersonalTier {
  /** The account's current version tag: part of every key, so a bump makes older entries unreachable. */
  tag(userId: string): string;
  /** Records that the account changed (its profiles, library, settings or sessions). */
  bump(userId: string): void;
  /** Forgets every entry (after missed invalidations, e.g. a lost pub/sub connection). */
  clear(): void;
  /** Read-through of a value under the account's current version. */
  read<T extends object>(userId: string, key: string, load: () => Promise<T>): Promise<T>;
}

// One tier per cache object, as the catalog's hot tier: each app (and test app) gets its own.
const tiers = new WeakMap<Cache, PersonalTier>();

export function personalTier(cache: Cache): PersonalTier {
  let tier = tiers.get(cache);
  if (!tier) {
    tier = createTier();
    tiers.set(cache, tier);
  }
  return tier;
}

function createTier(): PersonalTier {
  let counter = 0;
  // An account whose version was pushed out of the map by size falls back to the epoch, and the epoch
  // moves on every such eviction, so a forgotten version can never revive entries written before it.
  let epoch = 0;
  const versions = new LRUCache<string, number>({
    max: 100_000,
    ttl: TTL_MS * 2,
    dispose: (_value, _key, reason) => {
      if (reason === 'evict') epoch++;
    },
  });
  const entries = new LRUCache<string, object>({ max: 20_000, ttl: TTL_MS });
  const tag = (userId: string) => {
    const v = versions.get(userId);
    return v === undefined ? `e${epoch}` : `v${v}`;
  };
  return {
    tag,
    bump(userId) {
      versions.set(userId, ++counter);
    },
    clear() {
      entries.clear();
    },
    async read<T extends object>(userId: string, key: string, load: () => Promise<T>): Promise<T> {
      // The key is fixed before the load starts: a load that overlaps a bump stores under the old tag.
      const full = `${userId}:${tag(userId)}:${key}`;
      const hit = entries.get(full);
      if (hit) {
        lookups.hit.inc();
        return hit as T;
      }
      lookups.miss.inc();
      const value = await load();
      entries.set(full, value);
      return value;
    },
  };
}
