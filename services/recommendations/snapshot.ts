// The catalog as the model sees it, held in memory per app: dense index <-> title id, genres, maturity and
// the popularity prior. Loading it reads every live title, so a serving process reloads it only when the
// rebuild job has published a new version (checked at most every CHECK_MS) or it is older than MAX_AGE_MS.
import type { Cache } from '../cache/types.ts';
import type { Em } from '../db/orm.ts';
import { DEFAULT_SCORE_OPTIONS, preparePopularity, type PopularityPrior } from './model.ts';
import { loadCatalog, stateVersion, type CatalogRow } from '../../repositories/recommendations.ts';

const CHECK_MS = 30_000;
const MAX_AGE_MS = 10 * 60_000;

export interface Snapshot {
  /** recs_state.version the snapshot was loaded at; part of every cached result's key. */
  version: number;
  ids: string[];
  index: Map<string, number>;
  itemGenres: number[][];
  maturity: Uint8Array;
  prior: PopularityPrior;
  /** Dense items by popularity, best first: the "Popular on Cinemate" row walks it. */
  byPopularity: Int32Array;
}

/**
 * Per-title popularity: profiles with a positive signal at the last rebuild, plus the catalog's own
 * popularity squeezed into [0, 1) so that it orders titles nobody here has watched yet (and the whole
 * catalog on a platform with no viewing at all).
 */
export function popularityCounts(rows: readonly CatalogRow[]): Float64Array {
  let maxCatalog = 0;
  for (const r of rows) maxCatalog = Math.max(maxCatalog, Number(r.popularity) || 0);
  const counts = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    counts[i] = Number(r.profiles ?? 0) + (maxCatalog > 0 ? (0.99 * (Number(r.popularity) || 0)) / maxCatalog : 0);
  });
  return counts;
}

export function buildSnapshot(rows: readonly CatalogRow[], version: number): Snapshot {
  const ids = rows.map((r) => r.id);
  const prior = preparePopularity(popularityCounts(rows));
  // Warm the curve scoreProfile uses for the genre part, so the first request does not pay for it.
  prior.powered(DEFAULT_SCORE_OPTIONS.genrePopularityExponent);
  const byPopularity = Int32Array.from(ids.keys()).sort((a, b) => prior.level[b]! - prior.level[a]! || a - b);
  return {
    version,
    ids,
    index: new Map(ids.map((id, i) => [id, i])),
    itemGenres: rows.map((r) => r.genre_ids ?? []),
    maturity: Uint8Array.from(rows, (r) => r.maturity_level),
    prior,
    byPopularity,
  };
}

interface Holder {
  snapshot: Snapshot | null;
  loadedAt: number;
  checkedAt: number;
  pending: Promise<Snapshot> | null;
}

// One holder per app, found through its cache object (as the catalog's hot tier is): tests that build
// several apps never share a snapshot.
const holders = new WeakMap<Cache, Holder>();

function holderOf(cache: Cache): Holder {
  let h = holders.get(cache);
  if (!h) holders.set(cache, (h = { snapshot: null, loadedAt: 0, checkedAt: 0, pending: null }));
  return h;
}

/** The current snapshot, reloading it when stale; concurrent callers share one load. */
export async function currentSnapshot(deps: { em: Em; cache: Cache }): Promise<Snapshot> {
  const h = holderOf(deps.cache);
  const now = Date.now();
  if (h.snapshot && now - h.checkedAt < CHECK_MS && now - h.loadedAt < MAX_AGE_MS) return h.snapshot;
  h.pending ??= (async () => {
    try {
      const version = await stateVersion(deps.em);
      h.checkedAt = Date.now();
      if (h.snapshot && h.snapshot.version === version && Date.now() - h.loadedAt < MAX_AGE_MS) return h.snapshot;
      const snapshot = buildSnapshot(await loadCatalog(deps.em), version);
      h.snapshot = snapshot;
      h.loadedAt = Date.now();
      return snapshot;
    } finally {
      h.pending = null;
    }
  })();
  return h.pending;
}

/** Forgets this app's snapshot (after a rebuild in this process, or a catalog change that must show at once). */
export function dropSnapshot(cache: Cache): void {
  const h = holderOf(cache);
  h.snapshot = null;
  h.checkedAt = 0;
}
