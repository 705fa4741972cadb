// The popularity prior: per-item popularity on a log scale normalised to 0..1. Prepared once per refresh
// of the counts and shared by every profile's scoring, so a request does no per-catalog math for it.

export interface PopularityPrior {
  readonly itemCount: number;
  /** log(1 + popularity) / log(1 + max popularity), per item. */
  readonly level: Float64Array;
  /** level^exponent per item, computed on first use for each exponent and then reused. */
  powered(exponent: number): Float64Array;
}

/** Prepares the prior from raw non-negative counts; pass a new one when the counts change. */
export function preparePopularity(popularity: ArrayLike<number>, itemCount = popularity.length): PopularityPrior {
  let max = 0;
  for (let j = 0; j < itemCount; j++) if ((popularity[j] ?? 0) > max) max = popularity[j]!;
  const scale = max > 0 ? 1 / Math.log1p(max) : 0;
  const level = new Float64Array(itemCount);
  for (let j = 0; j < itemCount; j++) level[j] = Math.log1p(Math.max(0, popularity[j] ?? 0)) * scale;
  const cache = new Map<number, Float64Array>([[1, level]]);
  return {
    itemCount,
    level,
    powered(exponent: number): Float64Array {
      let out = cache.get(exponent);
      if (!out) {
        out = level.map((v) => v ** exponent);
        cache.set(exponent, out);
      }
      return out;
    },
  };
}

export const isPrior = (p: ArrayLike<number> | PopularityPrior): p is PopularityPrior =>
  typeof (p as PopularityPrior).powered === 'function';
