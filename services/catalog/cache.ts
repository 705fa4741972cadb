// Two cache tiers for catalog reads: a small in-process LRU of entries (with their serialized JSON, built
// once) in front of the shared cache (Redis when configured). Every key starts with `catalog:`.
//
// invalidateCatalog(cache, titleId?) is what writers call after changing the catalog (admin content,
// imports): it drops every cached list and details entry, in the shared cache and in this process's LRU.
// Other processes' LRU entries expire within HOT_TTL_MS.
import type { Cache } from '../cache/types.ts';
import { AppError } from '../errors.ts';
import { cacheCounters } from '../metrics/registry.ts';

const hotLookups = cacheCounters('catalog_hot');

export const HOT_TTL_MS = 15_000;
const HOT_MAX = 500;
export const TTL = { list: 300, details: 600, search: 120 } as const;

export interface Entry<T> {
  data: T;
  /**
   * `{"success":true,"data":...}` as UTF-8 bytes, built on first shared use and reused until the entry
   * expires: sending bytes skips encoding a 10-20 KB string on every request (a third of a cached read's CPU).
   */
  json?: Buffer;
  /** Other serialized forms of the same data (e.g. details under `content` instead of `movie`). */
  forms?: Record<string, string>;
}

interface HotTier {
  entries: Map<string, { entry: Entry<unknown>; expires: number }>;
  ttlMs: number;
}

// One hot tier per shared cache object: an app (and a test app) gets its own, and invalidation through
// the cache finds it without any global registry.
const tiers = new WeakMap<Cache, HotTier>();

function tierOf(cache: Cache): HotTier {
  let tier = tiers.get(cache);
  if (!tier) {
    tier = { entries: new Map(), ttlMs: HOT_TTL_MS };
    tiers.set(cache, tier);
  }
  return tier;
}

/** Sets the in-process tier's lifetime for this cache (CATALOG_HOT_TIER_MS); 0 sends every read to the cache. */
export function configureHotTier(cache: Cache, ttlMs: number): void {
  const tier = tierOf(cache);
  tier.ttlMs = ttlMs;
  tier.entries.clear();
}

/** Read-through over both tiers. A failing shared cache (Redis down) degrades to a direct load. */
export async function cachedRead<T>(
  cache: Cache,
  key: string,
  ttlSeconds: number,
  load: () => Promise<T>,
): Promise<Entry<T>> {
  const tier = tierOf(cache);
  const now = Date.now();
  const hot = tier.entries.get(key);
  if (hot && hot.expires > now) {
    // Re-insert so that the Map's first key stays the least recently used.
    tier.entries.delete(key);
    tier.entries.set(key, hot);
    hotLookups.hit.inc();
    return hot.entry as Entry<T>;
  }
  hotLookups.miss.inc();
  let loadError: unknown;
  const guarded = async () => {
    try {
      return await load();
    } catch (err) {
      loadError = err;
      throw err;
    }
  };
  let data: T;
  try {
    data = await cache.wrap(key, ttlSeconds, guarded);
  } catch (err) {
    if (loadError || err instanceof AppError) throw loadError ?? err;
    data = await load();
  }
  const entry: Entry<T> = { data };
  if (tier.ttlMs === 0) return entry;
  tier.entries.delete(key);
  tier.entries.set(key, { entry, expires: now + Math.min(tier.ttlMs, ttlSeconds * 1000) });
  while (tier.entries.size > HOT_MAX) tier.entries.delete(tier.entries.keys().next().value as string);
  return entry;
}

export function envelopeJson<T>(entry: Entry<T>): Buffer {
  entry.json ??= Buffer.from(JSON.stringify({ success: true, data: entry.data }));
  return entry.json;
}

/** A serialized form of the entry, built once per entry. */
export function entryForm<T>(entry: Entry<T>, name: string, build: (data: T) => string): string {
  entry.forms ??= {};
  entry.forms[name] ??= build(entry.data);
  return entry.forms[name];
}

export const listKey = (name: string, parts: Record<string, string | number | undefined>): string =>
  `catalog:list:${name}:${Object.entries(parts)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&')}`;

export const detailsKey = (titleId: string, level: number): string => `catalog:title:${titleId}:l${level}`;

/**
 * Drops cached catalog reads after a change; see the module header. Details of other titles embed the
 * changed one as a recommendation, so everything under `catalog:` goes, not only the title's own key.
 * Never throws: entries expire by TTL, and a cache outage must not fail the write that asked for this.
 */
export async function invalidateCatalog(cache: Cache, _titleId?: string): Promise<void> {
  tierOf(cache).entries.clear();
  try {
    await cache.delPrefix('catalog:');
  } catch {
    // See above.
  }
}
