// The recommendation model: genre-weighted recommendations for one viewer profile, blended with
// item-to-item similarity learned from all profiles and a small popularity prior. Pure: no I/O.
//
// Items are dense indices 0..itemCount-1; the caller keeps the mapping to title ids. Inputs:
// - Interaction { item, weight, at }: at is ms since epoch. weight > 0 is interest, suggested scale
//   0..1 per signal: history = fraction watched (0..1), favourite 1, watchlist 0.5, up vote 1;
//   weight < 0 is a dislike (down vote -1). Several signals on one item are summed.
// - declaredGenres: genre ids the profile picked (any numeric id scheme, e.g. TMDb's).
// - itemGenres[item]: that item's genre ids. popularity[item]: any non-negative count (views over the
//   last weeks, ratings...); only its order and log scale matter. preparePopularity(counts) turns it
//   into a prior once per refresh so that requests skip that per-catalog work.
// - neighbours: from buildNeighbours (similarity.ts), rebuilt by a background job over all profiles'
//   interactions; neighboursFromRows() restores it from stored (item, neighbour, score) rows.
//
// API:
//   buildNeighbours(interactionsByProfile, itemCount, options?) -> Neighbours
//   neighboursOf(neighbours, item) / neighboursFromRows(rows, itemCount): to store and restore rows
//   preparePopularity(counts) -> PopularityPrior (once per refresh, shared by requests)
//   scoreProfile({ interactions, declaredGenres, neighbours, itemGenres, popularity, exclude?, allowed?,
//                  now, limit, options? }) -> Recommendation[] (best first)
//   diversify(results, { limit, itemGenres?, collectionOf?, maxPerCollection?, genreRedundancy? })
//
// score = similarityWeight * sim + genreWeight * affinity * pop^genrePopularityExponent
//         + popularityWeight * pop * (offGenrePopularity + (1 - offGenrePopularity) * affinity), where
// - sim: sum over the profile's most recent items of recency weight (halving every
//   recencyHalfLifeItems positions back, so the last watched titles count most) x signal x neighbour
//   score, scaled so that the best candidate is 1; dislikes subtract dislikePenalty of theirs;
// - affinity: mean weight of the item's genres in the profile's genre weights (genre-profile.ts), which
//   start from declared genres and follow interactions with a halfLifeDays decay;
// - pop: log(1 + popularity) / log(1 + max popularity), 0..1.
// A profile with no interactions (cold start) gets popular titles in its declared genres. Items the
// profile interacted with (watched, liked or disliked) never come back; allowed() filters the rest
// (maturity). confidence = score / (sum of the three weights), 0..1.
// For a row, ask scoreProfile for about three times the row size and let diversify() cut it down;
// group results into "Because you watched X" (reasons.because) and "Top picks in <genre>" rows by
// reasons.primary. Defaults were tuned offline (bench/recs-eval.ts) on a validation split.
import { dominantGenre, genreAffinity, genreWeights, type GenreOptions } from './genre-profile.ts';
import { isPrior, preparePopularity, type PopularityPrior } from './popularity.ts';
import { createTopK, drain, offer, wouldEnter } from './top-k.ts';
import { foldInteractions, type Interaction, type Neighbours } from './types.ts';

export { buildNeighbours, neighboursFromRows, neighboursOf, DEFAULT_NEIGHBOUR_OPTIONS } from './similarity.ts';
export type { NeighbourOptions } from './similarity.ts';
export { preparePopularity, type PopularityPrior } from './popularity.ts';
export { diversify, type DiversifyOptions } from './diversify.ts';
export type { Interaction, Neighbours } from './types.ts';

export interface ScoreOptions extends GenreOptions {
  similarityWeight: number;
  genreWeight: number;
  popularityWeight: number;
  /** The n-th most recent item's similarity counts 0.5^(n / recencyHalfLifeItems) (+ recencyFloor). */
  recencyHalfLifeItems: number;
  recencyFloor: number;
  /** Only this many most recent items feed similarity: bounds the cost for long histories. */
  maxProfileItems: number;
  /** Share of a disliked item's similarity subtracted from its neighbours. */
  dislikePenalty: number;
  /**
   * The genre part is affinity x pop^genrePopularityExponent: the log scale alone flattens popularity
   * too much for "popular in your genres", so a steeper curve lets well-known titles lead each genre.
   */
  genrePopularityExponent: number;
  /**
   * The popularity prior of an item outside the profile's genres is scaled down to this share (0..1),
   * so that cold start shows popular titles in the declared genres rather than popular titles at large.
   */
  offGenrePopularity: number;
}

export const DEFAULT_SCORE_OPTIONS: ScoreOptions = {
  similarityWeight: 1,
  genreWeight: 0.3,
  popularityWeight: 0.05,
  recencyHalfLifeItems: 2,
  recencyFloor: 0.02,
  maxProfileItems: 300,
  dislikePenalty: 0.5,
  genrePopularityExponent: 6,
  offGenrePopularity: 0.2,
  declaredWeight: 1,
  halfLifeDays: 30,
};

export interface ScoreInput {
  interactions: readonly Interaction[];
  declaredGenres: readonly number[];
  neighbours: Neighbours;
  itemGenres: ReadonlyArray<readonly number[] | undefined>;
  /** Raw per-item counts, or preparePopularity(counts) made once and shared across requests (faster). */
  popularity: ArrayLike<number> | PopularityPrior;
  /** Items never to return besides the interacted ones (e.g. already shown in another row). */
  exclude?: ReadonlySet<number>;
  /** Whether an item may be shown to this profile (maturity, availability). */
  allowed?: (item: number) => boolean;
  /** Reference time in ms since epoch for genre decay. */
  now: number;
  limit: number;
  options?: Partial<ScoreOptions>;
}

export interface Reasons {
  /** The profile's item that contributed most similarity: "Because you watched <title>". */
  because: number | null;
  /** The item's genre weighing most for the profile: "Top picks in <genre>". */
  genre: number | null;
  /** Which part contributed most to the score, to pick the row a result belongs to. */
  primary: 'similar' | 'genre' | 'popular';
  /** Each part's contribution to score (they sum to it). */
  contributions: { similarity: number; genre: number; popularity: number };
}

export interface Recommendation {
  item: number;
  score: number;
  /** score normalised to 0..1 by the sum of the blend weights. */
  confidence: number;
  reasons: Reasons;
}

// Per-catalog scratch arrays reused across calls: scoring is synchronous, and allocating three
// catalog-sized arrays per request showed up as garbage-collection pauses in the p99.
let scratch: { sim: Float64Array; bestFrom: Int32Array; bestContribution: Float64Array } | null = null;
function scratchFor(itemCount: number): NonNullable<typeof scratch> {
  if (!scratch || scratch.sim.length !== itemCount) {
    scratch = {
      sim: new Float64Array(itemCount),
      bestFrom: new Int32Array(itemCount),
      bestContribution: new Float64Array(itemCount),
    };
  }
  scratch.sim.fill(0);
  scratch.bestFrom.fill(-1);
  scratch.bestContribution.fill(0);
  return scratch;
}

/** Best `limit` items for one profile, best first, deterministic for identical input. */
export function scoreProfile(input: ScoreInput): Recommendation[] {
  const o = { ...DEFAULT_SCORE_OPTIONS, ...input.options };
  const { neighbours, itemGenres, popularity } = input;
  const itemCount = neighbours.itemCount;
  const signals = foldInteractions(input.interactions);

  // Similarity part: walk the most recent items first, recency-weighted.
  const { sim, bestFrom, bestContribution } = scratchFor(itemCount);
  if (o.similarityWeight !== 0) {
    let rank = 0;
    for (let s = signals.length - 1; s >= 0 && rank < o.maxProfileItems; s--, rank++) {
      const { item, weight } = signals[s]!;
      if (item < 0 || item >= itemCount || weight === 0) continue;
      const recency = 0.5 ** (rank / o.recencyHalfLifeItems) + o.recencyFloor;
      const w = recency * (weight > 0 ? Math.min(weight, 1) : -o.dislikePenalty * Math.min(-weight, 1));
      for (let q = neighbours.offsets[item]!; q < neighbours.offsets[item + 1]!; q++) {
        const j = neighbours.ids[q]!;
        const c = w * neighbours.scores[q]!;
        sim[j]! += c;
        if (c > bestContribution[j]!) {
          bestContribution[j] = c;
          bestFrom[j] = item;
        }
      }
    }
    let max = 0;
    for (let j = 0; j < itemCount; j++) if (sim[j]! > max) max = sim[j]!;
    if (max > 0) for (let j = 0; j < itemCount; j++) sim[j] = sim[j]! > 0 ? sim[j]! / max : 0;
  }

  // Genre and popularity parts cover every item, so cold start and sparse profiles still rank all.
  const weights = genreWeights(signals, input.declaredGenres, itemGenres, input.now, o);
  const prior = isPrior(popularity) ? popularity : preparePopularity(popularity, itemCount);
  const level = prior.level;
  const steep = prior.powered(o.genrePopularityExponent);

  const seen = new Set<number>();
  for (const s of signals) seen.add(s.item);
  const heap = createTopK(Math.max(0, Math.floor(input.limit)));
  const { similarityWeight: ws, genreWeight: wg, popularityWeight: wp, offGenrePopularity: floor } = o;
  const parts = (j: number, affinity: number) => ({
    similarity: ws * sim[j]!,
    genre: wg * affinity * steep[j]!,
    popularity: wp * level[j]! * (floor + (1 - floor) * affinity),
  });
  for (let j = 0; j < itemCount; j++) {
    // Affinity is at most 1: skip the genre lookups for items that could not enter even with it.
    const upper = ws * sim[j]! + Math.max(0, wg) * steep[j]! + Math.max(0, wp) * level[j]!;
    if (!wouldEnter(heap, j, upper)) continue;
    const p = parts(j, genreAffinity(itemGenres[j], weights));
    const score = p.similarity + p.genre + p.popularity;
    if (!wouldEnter(heap, j, score)) continue;
    if (seen.has(j) || input.exclude?.has(j) || (input.allowed && !input.allowed(j))) continue;
    offer(heap, j, score);
  }

  const weightSum = Math.abs(ws) + Math.abs(wg) + Math.abs(wp);
  return drain(heap).map(({ id, score }) => {
    const affinity = genreAffinity(itemGenres[id], weights);
    const contributions = parts(id, affinity);
    // Popularity within the profile's genres reads as "Top picks in <genre>", not as a generic chart.
    const primary: Reasons['primary'] =
      contributions.similarity > 0 && contributions.similarity >= contributions.genre + contributions.popularity
        ? 'similar'
        : affinity > 0
          ? 'genre'
          : 'popular';
    return {
      item: id,
      score,
      confidence: weightSum > 0 ? Math.min(1, Math.max(0, score / weightSum)) : 0,
      reasons: {
        because: bestFrom[id]! >= 0 ? bestFrom[id]! : null,
        genre: dominantGenre(itemGenres[id], weights),
        primary,
        contributions,
      },
    };
  });
}
