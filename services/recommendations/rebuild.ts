// The recs.rebuild-neighbours job: every profile's interactions -> item-to-item neighbours (co-occurrence,
// model.ts) and per-title interaction counts, written in one transaction. Titles co-occurrence cannot
// place (nobody watched them with anything yet, or nobody watched anything) get same-genre neighbours,
// so "similar" answers on a new platform too.
import { performance } from 'node:perf_hooks';
import type { Em } from '../db/orm.ts';
import type { Logger } from '../deps.ts';
import { buildNeighbours, type Interaction } from './model.ts';
import { foldInteractions } from './types.ts';
import { genreNeighbours } from './genre-neighbours.ts';
import { buildSnapshot, dropSnapshot } from './snapshot.ts';
import type { Cache } from '../cache/types.ts';
import {
  forEachProfileBatch,
  loadCatalog,
  writeRebuild,
  type NeighbourRow,
  type RebuildOutput,
} from '../../repositories/recommendations.ts';

export const REBUILD_JOB = 'recs.rebuild-neighbours';
/** Neighbours kept per title (the serving read takes up to NEIGHBOURS_PER_ITEM of them). */
export const NEIGHBOURS_KEPT = 50;

export interface RebuildOptions {
  /** Neighbours kept per title. */
  k?: number;
  /** Profiles read per query. */
  batchSize?: number;
}

export interface RebuildResult {
  source: RebuildOutput['source'];
  titles: number;
  interactions: number;
  neighbourRows: number;
  durationMs: number;
}

/** Per item: the profiles whose signals on it sum to interest (> 0), the platform's popularity count. */
export function foldCounts(profiles: ReadonlyArray<readonly Interaction[]>, itemCount: number): Float64Array {
  const counts = new Float64Array(itemCount);
  for (const list of profiles) for (const s of foldInteractions(list)) if (s.weight > 0) counts[s.item]!++;
  return counts;
}

/** Computes the neighbours and counts from the current tables (no writes). */
export async function computeRebuild(em: Em, options: RebuildOptions = {}): Promise<RebuildOutput> {
  const started = performance.now();
  const k = options.k ?? NEIGHBOURS_KEPT;
  const catalog = await loadCatalog(em);
  const index = new Map(catalog.map((r, i) => [r.id, i]));

  const profiles: Interaction[][] = [];
  let interactions = 0;
  await forEachProfileBatch(em, options.batchSize ?? 5000, (byProfile) => {
    for (const rows of byProfile.values()) {
      const list: Interaction[] = [];
      for (const r of rows) {
        const item = index.get(r.title_id);
        if (item !== undefined) list.push({ item, weight: r.w, at: r.at });
      }
      if (list.length > 0) {
        profiles.push(list);
        interactions += list.length;
      }
    }
  });

  const itemCount = catalog.length;
  const neighbours = buildNeighbours(profiles, itemCount, { k });
  const counts = foldCounts(profiles, itemCount);
  // The prior the cold-title fallback ranks by: the counts just computed, not the last rebuild's.
  const snapshot = buildSnapshot(
    catalog.map((r, i) => ({ ...r, profiles: counts[i]! })),
    0,
  );

  const rows: NeighbourRow[] = [];
  const cold: number[] = [];
  for (let i = 0; i < itemCount; i++) {
    const from = neighbours.offsets[i]!;
    const to = neighbours.offsets[i + 1]!;
    if (from === to) cold.push(i);
    for (let q = from; q < to; q++)
      rows.push({
        title_id: catalog[i]!.id,
        neighbour_id: catalog[neighbours.ids[q]!]!.id,
        score: neighbours.scores[q]!,
      });
  }
  for (const [item, list] of genreNeighbours(snapshot.itemGenres, snapshot.prior.level, cold, k)) {
    for (const n of list) rows.push({ title_id: catalog[item]!.id, neighbour_id: catalog[n.item]!.id, score: n.score });
  }

  return {
    neighbours: rows,
    counts: catalog.flatMap((r, i) => (counts[i]! > 0 ? [{ title_id: r.id, profiles: counts[i]! }] : [])),
    source: itemCount === 0 ? 'none' : interactions === 0 ? 'genre' : 'platform',
    titles: itemCount,
    interactions,
    durationMs: performance.now() - started,
  };
}

/** Runs the whole rebuild: compute, then replace the tables. */
export async function rebuildNeighbours(
  deps: { em: Em; cache?: Cache; log?: Logger },
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const out = await computeRebuild(deps.em, options);
  const computedMs = out.durationMs;
  const started = performance.now();
  await writeRebuild(deps.em, out);
  // This process serves the new version at once; others notice it within the snapshot's check interval.
  if (deps.cache) dropSnapshot(deps.cache);
  const result = {
    source: out.source,
    titles: out.titles,
    interactions: out.interactions,
    neighbourRows: out.neighbours.length,
    durationMs: Math.round(computedMs + performance.now() - started),
  };
  deps.log?.info({ recs: { ...result, computeMs: Math.round(computedMs) } }, 'recommendation neighbours rebuilt');
  return result;
}
