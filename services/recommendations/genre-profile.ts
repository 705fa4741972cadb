// A profile's genre weights: its declared genres plus what it watched and liked, recent signals
// counting more (half-life decay), and the affinity of an item to those weights.
import type { ItemSignal } from './types.ts';

export interface GenreOptions {
  /** Weight each declared genre starts with, in the same unit as one fully positive interaction. */
  declaredWeight: number;
  /** An interaction's genre contribution halves every this many days before `now`. */
  halfLifeDays: number;
}

const DAY_MS = 86_400_000;

/**
 * Genre id -> weight in 0..1 (the strongest genre is 1). A signal on an item spreads over its genres;
 * dislikes pull their genres down, never below zero.
 */
export function genreWeights(
  signals: readonly ItemSignal[],
  declaredGenres: readonly number[],
  itemGenres: ReadonlyArray<readonly number[] | undefined>,
  now: number,
  o: GenreOptions,
): Map<number, number> {
  const raw = new Map<number, number>();
  for (const g of declaredGenres) raw.set(g, (raw.get(g) ?? 0) + o.declaredWeight);
  for (const s of signals) {
    const genres = itemGenres[s.item];
    if (!genres || genres.length === 0) continue;
    const ageDays = Math.max(0, now - s.at) / DAY_MS;
    const share = (s.weight * 0.5 ** (ageDays / o.halfLifeDays)) / genres.length;
    for (const g of genres) raw.set(g, (raw.get(g) ?? 0) + share);
  }
  let max = 0;
  for (const v of raw.values()) if (v > max) max = v;
  const out = new Map<number, number>();
  if (max <= 0) return out;
  for (const [g, v] of raw) if (v > 0) out.set(g, v / max);
  return out;
}

/**
 * How well an item's genres match the weights, 0..1: the mean weight of its genres, so that a title
 * tagged with many genres does not win by breadth alone.
 */
export function genreAffinity(genres: readonly number[] | undefined, weights: ReadonlyMap<number, number>): number {
  if (!genres || genres.length === 0) return 0;
  let sum = 0;
  for (const g of genres) sum += weights.get(g) ?? 0;
  return sum / genres.length;
}

/** The item's genre that weighs most for this profile ("Top picks in <genre>"), or null. */
export function dominantGenre(
  genres: readonly number[] | undefined,
  weights: ReadonlyMap<number, number>,
): number | null {
  let best: number | null = null;
  let bestWeight = 0;
  for (const g of genres ?? []) {
    const w = weights.get(g) ?? 0;
    if (w > bestWeight || (w === bestWeight && best !== null && w > 0 && g < best)) {
      best = g;
      bestWeight = w;
    }
  }
  return best;
}
