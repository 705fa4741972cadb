// Speed of the recommendation model on synthetic data at catalog scale: neighbour build time over
// 1,000,000 interactions / 50,000 items, then per-profile scoring latency (p50/p99).
// Usage: node bench/recs-speed.ts [items=50000] [interactions=1000000] [profiles=200]
import { performance } from 'node:perf_hooks';
import {
  buildNeighbours,
  preparePopularity,
  scoreProfile,
  type Interaction,
} from '../services/recommendations/model.ts';

const ITEMS = Number(process.argv[2] ?? 50_000);
const INTERACTIONS = Number(process.argv[3] ?? 1_000_000);
const SCORED = Number(process.argv[4] ?? 200);
const GENRES = 20;
const MEAN_PROFILE = 100;
const DAY_MS = 86_400_000;

/** mulberry32: a small seeded PRNG so that every run sees the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(42);

/** Sampler over `ids` where the r-th id has weight 1 / (r + 1)^s (Zipf-like). */
function zipf(ids: readonly number[], s: number): () => number {
  const cdf = new Float64Array(ids.length);
  let total = 0;
  for (let r = 0; r < ids.length; r++) cdf[r] = total += 1 / (r + 1) ** s;
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return ids[lo]!;
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// Catalog: items in popularity order under a random permutation, one primary genre cluster each.
const byPopularity = [...Array(ITEMS).keys()];
for (let i = ITEMS - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [byPopularity[i], byPopularity[j]] = [byPopularity[j]!, byPopularity[i]!];
}
const itemGenres: number[][] = Array.from({ length: ITEMS }, () => []);
const clusters: number[][] = Array.from({ length: GENRES }, () => []);
for (const item of byPopularity) {
  const primary = Math.floor(random() * GENRES);
  itemGenres[item]!.push(primary);
  if (random() < 0.5) itemGenres[item]!.push((primary + 1 + Math.floor(random() * (GENRES - 1))) % GENRES);
  clusters[primary]!.push(item);
}
const globalPick = zipf(byPopularity, 1);
const clusterPick = clusters.map((c) => zipf(c, 1));

// Profiles: log-normal lengths around MEAN_PROFILE, 70% of picks in one of two favourite genres.
const profiles: Interaction[][] = [];
const declared: number[][] = [];
const popularity = new Float64Array(ITEMS);
const start = Date.UTC(2024, 0, 1);
let generated = 0;
while (generated < INTERACTIONS) {
  const gauss = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const length = Math.min(INTERACTIONS - generated, Math.max(2, Math.round(MEAN_PROFILE * Math.exp(gauss - 0.5))));
  const favourites = [Math.floor(random() * GENRES), Math.floor(random() * GENRES)];
  const list: Interaction[] = [];
  let at = start + Math.floor(random() * 300) * DAY_MS;
  for (let n = 0; n < length; n++) {
    const item = random() < 0.7 ? clusterPick[favourites[n % 2]!]!() : globalPick();
    at += Math.floor(random() * DAY_MS);
    list.push({ item, weight: random() < 0.05 ? -1 : 0.2 + 0.8 * random(), at });
    popularity[item]!++;
  }
  profiles.push(list);
  declared.push(favourites);
  generated += length;
}

console.log(`synthetic data: ${ITEMS} items, ${generated} interactions, ${profiles.length} profiles`);

let t0 = performance.now();
const neighbours = buildNeighbours(profiles, ITEMS);
const buildMs = performance.now() - t0;
console.log(`buildNeighbours: ${(buildMs / 1000).toFixed(2)} s (${neighbours.ids.length} neighbour rows)`);
t0 = performance.now();
const prior = preparePopularity(popularity);
prior.powered(6);
console.log(`preparePopularity: ${(performance.now() - t0).toFixed(2)} ms (once per refresh)`);

// Score random profiles, plus the heaviest ones (a few hundred interactions) for the upper bound.
const heaviest = [...profiles.keys()].sort((a, b) => profiles[b]!.length - profiles[a]!.length);
const groups: Array<[string, number[]]> = [
  ['random profiles', Array.from({ length: SCORED }, () => Math.floor(random() * profiles.length))],
  ['heaviest profiles', heaviest.slice(0, SCORED)],
];
const adult = (item: number): boolean => item % 17 !== 0;
// A few untimed calls first: the figures are for a warmed-up server, not for JIT compilation.
groups.unshift(['warm-up', groups[0]![1].slice(0, 20)]);
for (const [name, ids] of groups) {
  const times: number[] = [];
  let sizes = 0;
  for (const p of ids) {
    const interactions = profiles[p]!;
    sizes += interactions.length;
    t0 = performance.now();
    scoreProfile({
      interactions,
      declaredGenres: declared[p]!,
      neighbours,
      itemGenres,
      popularity: prior,
      allowed: adult,
      now: interactions[interactions.length - 1]!.at,
      limit: 50,
    });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  if (name === 'warm-up') continue;
  console.log(
    `scoreProfile, ${ids.length} ${name} (mean ${(sizes / ids.length).toFixed(0)} interactions): ` +
      `p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms, max ${times[times.length - 1]!.toFixed(2)} ms`,
  );
}
