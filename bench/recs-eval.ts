// Offline evaluation of the recommendation model on MovieLens-format data: leave-last-out by time,
// HR@10 and NDCG@10 over the full ranking, against a popularity baseline. Neighbours are built as the
// rebuild job keeps them (NEIGHBOURS_KEPT per title, genre neighbours for titles co-occurrence leaves
// empty); the "served" row then scores each user as the API does: the serving read's per-title neighbour
// counts over the most recent items, CANDIDATES scored and the list diversified. "blend" is the raw model.
// Usage: node bench/recs-eval.ts <dir with ratings.csv and movies.csv> [--options '<json ScoreOptions>']
//        [--neighbours '<json NeighbourOptions>'] [--validation]
// --validation drops every user's last rating altogether and evaluates on the one before, so options can
// be tuned without ever looking at the test items.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { genreNeighbours } from '../services/recommendations/genre-neighbours.ts';
import {
  CANDIDATES,
  FULL_NEIGHBOUR_ITEMS,
  NEIGHBOURS_PER_ITEM,
  OLD_ITEM_NEIGHBOURS,
} from '../services/recommendations/profile.ts';
import { NEIGHBOURS_KEPT } from '../services/recommendations/rebuild.ts';
import { foldInteractions } from '../services/recommendations/types.ts';
import {
  buildNeighbours,
  DEFAULT_SCORE_OPTIONS,
  diversify,
  neighboursFromRows,
  type Neighbours,
  preparePopularity,
  scoreProfile,
  type Interaction,
  type NeighbourOptions,
  type ScoreOptions,
} from '../services/recommendations/model.ts';

const CUTOFF = 10;
const DECLARED_GENRES = 3;

/** Rating (0.5..5) -> interaction weight: low ratings still say "chose to watch this", but weakly. */
const ratingWeight = (rating: number): number => (rating >= 2.5 ? rating / 5 : 0.1);

interface Split {
  train: Interaction[][];
  test: Array<{ user: number; item: number }>;
}

function readMovies(dir: string): { index: Map<number, number>; genres: number[][] } {
  const lines = readFileSync(join(dir, 'movies.csv'), 'utf8').split('\n').slice(1);
  const index = new Map<number, number>();
  const genreIds = new Map<string, number>();
  const genres: number[][] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const movieId = Number(line.slice(0, line.indexOf(',')));
    // Titles may hold quoted commas; genres are always the last field.
    const field = line.slice(line.lastIndexOf(',') + 1).trim();
    const ids =
      field === '(no genres listed)'
        ? []
        : field.split('|').map((g) => {
            if (!genreIds.has(g)) genreIds.set(g, genreIds.size);
            return genreIds.get(g)!;
          });
    index.set(movieId, genres.length);
    genres.push(ids);
  }
  return { index, genres };
}

function readSplit(dir: string, index: Map<number, number>, validation: boolean): Split {
  const byUser = new Map<number, Array<{ item: number; rating: number; at: number; order: number }>>();
  const lines = readFileSync(join(dir, 'ratings.csv'), 'utf8').split('\n').slice(1);
  lines.forEach((line, order) => {
    if (!line.trim()) return;
    const [u, m, r, ts] = line.split(',');
    const item = index.get(Number(m));
    if (item === undefined) return;
    const list = byUser.get(Number(u)) ?? [];
    list.push({ item, rating: Number(r), at: Number(ts) * 1000, order });
    byUser.set(Number(u), list);
  });
  const train: Interaction[][] = [];
  const test: Array<{ user: number; item: number }> = [];
  for (const list of byUser.values()) {
    // Ties on the timestamp keep file order, so the split is reproducible.
    list.sort((a, b) => a.at - b.at || a.order - b.order);
    if (validation) list.pop();
    if (list.length < 2) continue;
    const last = list.pop()!;
    test.push({ user: train.length, item: last.item });
    train.push(list.map((x) => ({ item: x.item, weight: ratingWeight(x.rating), at: x.at })));
  }
  return { train, test };
}

/** The user's declared genres, derived from training items only: the most frequent genres. */
function topGenres(interactions: readonly Interaction[], genres: number[][]): number[] {
  const count = new Map<number, number>();
  for (const x of interactions) for (const g of genres[x.item] ?? []) count.set(g, (count.get(g) ?? 0) + 1);
  return [...count]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, DECLARED_GENRES)
    .map(([g]) => g);
}

/** What the neighbours table holds after a rebuild: each title's list, or genre neighbours when it is empty. */
function storedNeighbours(neighbours: Neighbours, genres: number[][], level: ArrayLike<number>): number[][][] {
  const lists: number[][][] = [];
  const cold: number[] = [];
  for (let i = 0; i < neighbours.itemCount; i++) {
    const list: number[][] = [];
    for (let q = neighbours.offsets[i]!; q < neighbours.offsets[i + 1]!; q++)
      list.push([neighbours.ids[q]!, neighbours.scores[q]!]);
    if (list.length === 0) cold.push(i);
    lists.push(list);
  }
  for (const [item, list] of genreNeighbours(genres, level, cold, NEIGHBOURS_KEPT))
    lists[item] = list.map((n) => [n.item, n.score]);
  return lists;
}

/** The serving read: the most recent items' stored lists, the latest ones in full, older ones cut short. */
function servingRead(stored: number[][][], interactions: readonly Interaction[], options: Partial<ScoreOptions>) {
  const folded = foldInteractions(interactions).filter((s) => s.weight !== 0);
  const max = options.maxProfileItems ?? DEFAULT_SCORE_OPTIONS.maxProfileItems;
  const recent = folded.slice(Math.max(0, folded.length - max));
  const rows: Array<{ item: number; neighbour: number; score: number }> = [];
  recent.forEach((s, i) => {
    const limit = recent.length - i <= FULL_NEIGHBOUR_ITEMS ? NEIGHBOURS_PER_ITEM : OLD_ITEM_NEIGHBOURS;
    for (const [neighbour, score] of stored[s.item]!.slice(0, limit))
      rows.push({ item: s.item, neighbour: neighbour!, score: score! });
  });
  return neighboursFromRows(rows, stored.length);
}

function parseFlag(name: string): Record<string, number> {
  const at = process.argv.indexOf(name);
  return at > 0 ? (JSON.parse(process.argv[at + 1] ?? '{}') as Record<string, number>) : {};
}

function main(): void {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node bench/recs-eval.ts <dir> [--options json] [--neighbours json]');
    process.exit(2);
  }
  const started = performance.now();
  const { index, genres } = readMovies(dir);
  const itemCount = genres.length;
  const validation = process.argv.includes('--validation');
  const { train, test } = readSplit(dir, index, validation);

  const popularity = new Float64Array(itemCount);
  for (const list of train) for (const x of list) popularity[x.item]!++;

  const buildStart = performance.now();
  const neighbours = buildNeighbours(train, itemCount, {
    k: NEIGHBOURS_KEPT,
    ...(parseFlag('--neighbours') as Partial<NeighbourOptions>),
  });
  const buildMs = performance.now() - buildStart;

  const prior = preparePopularity(popularity);
  const stored = storedNeighbours(neighbours, genres, prior.level);
  const tuned = parseFlag('--options') as Partial<ScoreOptions>;
  const variants: Array<[string, Partial<ScoreOptions> | null]> = [
    ['popularity', null],
    ['genre-weighted', { ...tuned, similarityWeight: 0, genreWeight: 1, popularityWeight: 0 }],
    ['item similarity', { ...tuned, similarityWeight: 1, genreWeight: 0, popularityWeight: 0 }],
    ['blend', tuned],
    ['served', tuned],
  ];
  const popularOrder = [...popularity.keys()].sort((a, b) => popularity[b]! - popularity[a]! || a - b);

  const rows: Array<{ name: string; hr: number; ndcg: number; ms: number }> = [];
  for (const [name, options] of variants) {
    const t0 = performance.now();
    let hits = 0;
    let gain = 0;
    for (const { user, item } of test) {
      const interactions = train[user]!;
      let ranked: number[];
      if (options === null) {
        const seen = new Set(interactions.map((x) => x.item));
        ranked = [];
        for (const j of popularOrder) {
          if (ranked.length === CUTOFF) break;
          if (!seen.has(j)) ranked.push(j);
        }
      } else {
        const now = interactions.reduce((max, x) => Math.max(max, x.at), 0);
        const served = name === 'served';
        const results = scoreProfile({
          interactions,
          declaredGenres: topGenres(interactions, genres),
          neighbours: served ? servingRead(stored, interactions, options) : neighbours,
          itemGenres: genres,
          popularity: prior,
          now,
          limit: served ? CANDIDATES : CUTOFF,
          options,
        });
        ranked = (served ? diversify(results, { limit: CUTOFF, itemGenres: genres }) : results).map((r) => r.item);
      }
      const rank = ranked.indexOf(item);
      if (rank >= 0) {
        hits++;
        gain += 1 / Math.log2(rank + 2);
      }
    }
    rows.push({ name, hr: hits / test.length, ndcg: gain / test.length, ms: performance.now() - t0 });
  }

  const base = rows[0]!;
  console.log(`split: ${validation ? 'validation (second-to-last item)' : 'test (last item)'}`);
  console.log(
    `users evaluated: ${test.length}, items: ${itemCount}, training interactions: ${train.reduce((n, l) => n + l.length, 0)}`,
  );
  console.log(`neighbour build: ${buildMs.toFixed(0)} ms`);
  console.log('');
  console.log('| model            | HR@10  | NDCG@10 | NDCG / popularity | time    |');
  console.log('|------------------|--------|---------|-------------------|---------|');
  for (const r of rows) {
    const ratio = base.ndcg > 0 ? `${(r.ndcg / base.ndcg).toFixed(2)}x` : 'n/a';
    console.log(
      `| ${r.name.padEnd(16)} | ${r.hr.toFixed(4)} | ${r.ndcg.toFixed(4)}  | ${ratio.padStart(17)} | ${(`${r.ms.toFixed(0)} ms`).padStart(7)} |`,
    );
  }
  console.log('');
  console.log(`total run time: ${((performance.now() - started) / 1000).toFixed(2)} s`);
}

main();
