// Re-ranking of a scored list so that one row is not ten titles of one franchise or one genre:
// a hard cap per collection plus a greedy maximal-marginal-relevance penalty on genre overlap.

export interface DiversifyOptions {
  /** Results wanted. Feed diversify more candidates than this (e.g. 3x) so it has room to choose. */
  limit: number;
  itemGenres?: ReadonlyArray<readonly number[] | undefined>;
  /** The collection (franchise, series) an item belongs to, or null/undefined for none. */
  collectionOf?: (item: number) => number | string | null | undefined;
  /** Items kept per collection (default 1). */
  maxPerCollection?: number;
  /**
   * 0..1: how much a candidate's score is cut when its genres are already on the row; 0 keeps the
   * score order apart from the collection cap (default 0.3).
   */
  genreRedundancy?: number;
}

/** Picks `limit` results greedily by score x (1 - genreRedundancy x genre overlap), within collection caps. */
export function diversify<T extends { item: number; score: number }>(
  results: readonly T[],
  options: DiversifyOptions,
): T[] {
  const maxPerCollection = options.maxPerCollection ?? 1;
  const lambda = options.genreRedundancy ?? 0.3;
  const genresOf = (item: number): readonly number[] => options.itemGenres?.[item] ?? [];
  const pool = [...results].sort((a, b) => b.score - a.score || a.item - b.item);
  const perCollection = new Map<number | string, number>();
  const genreCount = new Map<number, number>();
  const picked: T[] = [];

  while (picked.length < options.limit && pool.length > 0) {
    let bestIndex = -1;
    let bestValue = -Infinity;
    for (let c = 0; c < pool.length; c++) {
      const candidate = pool[c]!;
      const collection = options.collectionOf?.(candidate.item);
      if (collection != null && (perCollection.get(collection) ?? 0) >= maxPerCollection) continue;
      const genres = genresOf(candidate.item);
      let overlap = 0;
      if (picked.length > 0 && genres.length > 0) {
        for (const g of genres) overlap += (genreCount.get(g) ?? 0) / picked.length;
        overlap /= genres.length;
      }
      const value = candidate.score * (1 - lambda * overlap);
      // The pool is in score order, so strict > keeps ties on the better-ranked (then lower) item.
      if (value > bestValue) {
        bestValue = value;
        bestIndex = c;
      }
    }
    if (bestIndex < 0) break;
    const [chosen] = pool.splice(bestIndex, 1);
    picked.push(chosen!);
    const collection = options.collectionOf?.(chosen!.item);
    if (collection != null) perCollection.set(collection, (perCollection.get(collection) ?? 0) + 1);
    for (const g of genresOf(chosen!.item)) genreCount.set(g, (genreCount.get(g) ?? 0) + 1);
  }
  return picked;
}
