// Neighbours for titles that co-occurrence knows nothing about (a new platform, a new title): titles
// sharing its genres, the popular ones first. Pure. Scores stay below GENRE_SCORE_CAP so that, stored in
// the same table, they never outrank what viewers actually watch together.
import { createTopK, drain, offer } from './top-k.ts';

export const GENRE_SCORE_CAP = 0.3;
/** Candidates per genre: the most popular titles of each genre are enough to fill a "similar" row. */
const PER_GENRE = 200;

/**
 * For each item in `items`: up to k others, scored GENRE_SCORE_CAP x Jaccard(genres) x (0.5 + 0.5 x level),
 * where level is the popularity prior (0..1). Items without genres get none.
 */
export function genreNeighbours(
  itemGenres: ReadonlyArray<readonly number[]>,
  level: ArrayLike<number>,
  items: Iterable<number>,
  k: number,
): Map<number, Array<{ item: number; score: number }>> {
  const byGenre = new Map<number, number[]>();
  itemGenres.forEach((genres, item) => {
    for (const g of genres) {
      let list = byGenre.get(g);
      if (!list) byGenre.set(g, (list = []));
      list.push(item);
    }
  });
  for (const [g, list] of byGenre) {
    list.sort((a, b) => level[b]! - level[a]! || a - b);
    byGenre.set(g, list.slice(0, PER_GENRE));
  }

  const out = new Map<number, Array<{ item: number; score: number }>>();
  const heap = createTopK(k);
  const seen = new Set<number>();
  for (const item of items) {
    const mine = itemGenres[item] ?? [];
    if (mine.length === 0) continue;
    seen.clear();
    for (const g of mine) {
      for (const j of byGenre.get(g) ?? []) {
        if (j === item || seen.has(j)) continue;
        seen.add(j);
        const theirs = itemGenres[j]!;
        let shared = 0;
        for (const x of theirs) if (mine.includes(x)) shared++;
        const jaccard = shared / (mine.length + theirs.length - shared);
        offer(heap, j, GENRE_SCORE_CAP * jaccard * (0.5 + 0.5 * level[j]!));
      }
    }
    out.set(
      item,
      drain(heap).map(({ id, score }) => ({ item: id, score })),
    );
  }
  return out;
}
