// Plain-data shapes shared by the recommendation model's parts; model.ts re-exports them and documents units.

/** One signal of a profile on an item: item is a dense index in [0, itemCount), at is ms since epoch. */
export interface Interaction {
  item: number;
  /** > 0 for interest (watched fraction, favourite, watchlist, up vote), < 0 for a dislike (down vote). */
  weight: number;
  at: number;
}

/**
 * Top-K neighbours of every item in compressed rows: the neighbours of item i are
 * ids[offsets[i] .. offsets[i + 1]), best first, with their similarity in scores (0..1).
 * One row per (item, neighbour, score) is what a neighbours table stores.
 */
export interface Neighbours {
  itemCount: number;
  offsets: Uint32Array;
  ids: Int32Array;
  scores: Float32Array;
}

/** A profile's interactions folded per item: summed weight, latest time. */
export interface ItemSignal {
  item: number;
  weight: number;
  at: number;
}

/** Sums repeated signals on one item (history + favourite + vote) and keeps the latest time; oldest first. */
export function foldInteractions(interactions: readonly Interaction[]): ItemSignal[] {
  const byItem = new Map<number, ItemSignal>();
  for (const { item, weight, at } of interactions) {
    const seen = byItem.get(item);
    if (seen) {
      seen.weight += weight;
      if (at > seen.at) seen.at = at;
    } else {
      byItem.set(item, { item, weight, at });
    }
  }
  return [...byItem.values()].sort((a, b) => a.at - b.at || a.item - b.item);
}
