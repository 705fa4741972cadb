// Item-to-item similarity learned from what profiles watch together: cosine over co-occurrence with
// shrinkage, weighted by closeness in each profile's timeline, kept as a top-K neighbour list per item.
import { createTopK, drain, offer } from './top-k.ts';
import { foldInteractions, type Interaction, type Neighbours } from './types.ts';

export interface NeighbourOptions {
  /** Neighbours kept per item. */
  k: number;
  /** Only a profile's most recent N positive items pair with each other: bounds the quadratic cost. */
  recentPerProfile: number;
  /** Added to the cosine denominator so that pairs seen by very few profiles do not look perfect. */
  shrinkage: number;
  /**
   * Pairs far apart in a profile's timeline say less about "what is watched next": a pair at distance d
   * (in items) counts 0.5^(d / proximityHalfLife) plus proximityFloor. Infinity gives plain co-occurrence.
   */
  proximityHalfLife: number;
  proximityFloor: number;
  /** Signals at or below this weight (dislikes, barely started titles) do not count as co-occurrence. */
  minWeight: number;
  /** Per-signal weights are capped here so that one enthusiastic profile does not dominate a pair. */
  maxWeight: number;
}

export const DEFAULT_NEIGHBOUR_OPTIONS: NeighbourOptions = {
  k: 100,
  recentPerProfile: 200,
  shrinkage: 2,
  proximityHalfLife: 5,
  proximityFloor: 0.1,
  minWeight: 0,
  maxWeight: 1,
};

/**
 * Builds the neighbour lists from every profile's interactions (index = profile, any order within).
 * Cost is bounded by sum over profiles of min(n, recentPerProfile)^2, in memory O(interactions + itemCount).
 */
export function buildNeighbours(
  interactionsByProfile: ReadonlyArray<readonly Interaction[]>,
  itemCount: number,
  options: Partial<NeighbourOptions> = {},
): Neighbours {
  const o = { ...DEFAULT_NEIGHBOUR_OPTIONS, ...options };
  const cap = Math.max(1, Math.floor(o.recentPerProfile));

  // 1. Each profile's positive items, oldest first, trimmed to the most recent `cap`, into flat arrays.
  const starts: number[] = [0];
  const flatItems: number[] = [];
  const flatWeights: number[] = [];
  for (const interactions of interactionsByProfile) {
    const kept = foldInteractions(interactions).filter(
      (s) => s.weight > o.minWeight && s.item >= 0 && s.item < itemCount,
    );
    for (const s of kept.slice(Math.max(0, kept.length - cap))) {
      flatItems.push(s.item);
      flatWeights.push(Math.min(s.weight, o.maxWeight));
    }
    starts.push(flatItems.length);
  }
  const items = Int32Array.from(flatItems);
  const weights = Float64Array.from(flatWeights);
  const profileOf = new Int32Array(items.length);
  for (let p = 0; p + 1 < starts.length; p++) profileOf.fill(p, starts[p]!, starts[p + 1]!);

  // 2. Squared norms and an inverted index item -> positions in the flat arrays.
  const norm = new Float64Array(itemCount);
  const postingStart = new Uint32Array(itemCount + 1);
  for (let x = 0; x < items.length; x++) {
    norm[items[x]!]! += weights[x]! * weights[x]!;
    postingStart[items[x]! + 1]!++;
  }
  for (let i = 0; i < itemCount; i++) postingStart[i + 1]! += postingStart[i]!;
  const postings = new Int32Array(items.length);
  const fill = postingStart.slice(0, itemCount);
  for (let x = 0; x < items.length; x++) postings[fill[items[x]!]!++] = x;

  const proximity = new Float64Array(cap + 1);
  for (let d = 0; d <= cap; d++) proximity[d] = 0.5 ** (d / o.proximityHalfLife) + o.proximityFloor;

  // 3. One row at a time: accumulate co-occurrence into a dense scratch array, keep the best k.
  const acc = new Float64Array(itemCount);
  const touched = new Int32Array(itemCount);
  const heap = createTopK(o.k);
  const offsets = new Uint32Array(itemCount + 1);
  const outIds: number[] = [];
  const outScores: number[] = [];
  for (let i = 0; i < itemCount; i++) {
    let nTouched = 0;
    for (let q = postingStart[i]!; q < postingStart[i + 1]!; q++) {
      const x = postings[q]!;
      const p = profileOf[x]!;
      const wi = weights[x]!;
      for (let y = starts[p]!, end = starts[p + 1]!; y < end; y++) {
        if (y === x) continue;
        const j = items[y]!;
        if (acc[j] === 0) touched[nTouched++] = j;
        acc[j]! += wi * weights[y]! * proximity[y > x ? y - x : x - y]!;
      }
    }
    const ni = Math.sqrt(norm[i]!);
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t]!;
      offer(heap, j, acc[j]! / (ni * Math.sqrt(norm[j]!) + o.shrinkage));
      acc[j] = 0;
    }
    for (const { id, score } of drain(heap)) {
      outIds.push(id);
      outScores.push(score);
    }
    offsets[i + 1] = outIds.length;
  }
  return { itemCount, offsets, ids: Int32Array.from(outIds), scores: Float32Array.from(outScores) };
}

/** The neighbours of one item, best first (a view for callers that persist or inspect rows). */
export function neighboursOf(n: Neighbours, item: number): Array<{ item: number; score: number }> {
  const out: Array<{ item: number; score: number }> = [];
  for (let q = n.offsets[item]!; q < n.offsets[item + 1]!; q++) out.push({ item: n.ids[q]!, score: n.scores[q]! });
  return out;
}

/**
 * Rebuilds the compact form from stored rows (item, neighbour, score), e.g. read back from a table.
 * Groups only the items present, so reading a few items' rows of a large catalog stays cheap per request.
 */
export function neighboursFromRows(
  rows: Iterable<{ item: number; neighbour: number; score: number }>,
  itemCount: number,
): Neighbours {
  const lists = new Map<number, Array<{ id: number; score: number }>>();
  for (const r of rows) {
    if (!(r.item >= 0 && r.item < itemCount)) continue;
    let list = lists.get(r.item);
    if (!list) lists.set(r.item, (list = []));
    list.push({ id: r.neighbour, score: r.score });
  }
  const offsets = new Uint32Array(itemCount + 1);
  const ids: number[] = [];
  const scores: number[] = [];
  // offsets[0..next] are final; items without rows get empty ranges.
  let next = 0;
  for (const i of [...lists.keys()].sort((a, b) => a - b)) {
    offsets.fill(ids.length, next + 1, i + 1);
    for (const e of lists.get(i)!.sort((a, b) => b.score - a.score || a.id - b.id)) {
      ids.push(e.id);
      scores.push(e.score);
    }
    offsets[i + 1] = ids.length;
    next = i + 1;
  }
  offsets.fill(ids.length, next + 1, itemCount + 1);
  return { itemCount, offsets, ids: Int32Array.from(ids), scores: Float32Array.from(scores) };
}
