// One profile's recommendations: its signals + declared genres + the stored neighbours of its items +
// the popularity prior -> scoreProfile -> a diversified list and the rows of seed 001 ("Because you
// watched X", "Top picks in <genre>", "Popular on Cinemate").
//
// Exclusions: the model never returns a title the profile has any signal on (watched in part or to the
// end, favourited, on the watchlist, rated up or down): finished and disliked titles never come back,
// and what is half watched or saved already has its own rows. Maturity: only titles at or below the
// viewer's level, and cards are re-checked when rendered (a title deleted since the snapshot drops out).
//
// Caching: the result is cached per (profile, maturity level, snapshot version, signal fingerprint).
// The fingerprint (repositories/recommendations.ts) changes with any added, removed or changed signal or declared genre, so
// writers need not invalidate anything and a stale result is never served; a request costs the
// fingerprint probe and one cache read unless something changed.
import { createHash } from 'node:crypto';
import type { Cache } from '../cache/types.ts';
import type { Em } from '../db/orm.ts';
import type { Viewer } from '../deps.ts';
import { ALL_GENRES } from '../catalog/genres.ts';
import {
  DEFAULT_SCORE_OPTIONS,
  diversify,
  neighboursFromRows,
  scoreProfile,
  type Interaction,
  type Recommendation,
} from './model.ts';
import { foldInteractions } from './types.ts';
import { currentSnapshot, type Snapshot } from './snapshot.ts';
import {
  loadProfileSignals,
  neighbourRows,
  signalFingerprint,
  titleNames,
} from '../../repositories/recommendations.ts';

export type RecsDeps = { em: Em; cache: Cache };

export const RECS_TTL_SECONDS = 600;
const KEY_PREFIX = 'recs:profile:';
/** Candidates scored per profile: about three times what the list and rows show, for diversify. */
export const CANDIDATES = 150;
export const LIST_SIZE = 100;
const ROW_SIZE = 10;
/** Neighbours read per recent item (the rebuild keeps 50 per title), and per older item. */
export const NEIGHBOURS_PER_ITEM = 50;
export const FULL_NEIGHBOUR_ITEMS = 20;
export const OLD_ITEM_NEIGHBOURS = 10;
const BECAUSE_ROWS = 2;
const GENRE_ROWS = 2;

export interface RecItem {
  id: string;
  confidence: number;
}

export interface RecRow {
  category: string;
  kind: 'because' | 'genre' | 'popular';
  items: RecItem[];
}

export interface ProfileRecs {
  generated_at: string;
  list: RecItem[];
  rows: RecRow[];
}

/** Computations from scratch in this process (tests read it to tell a cache hit from a recompute). */
export const recsCounters = { computed: 0 };

const genreNames = new Map(ALL_GENRES.map((g) => [g.id, g.name]));
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const weightSum =
  DEFAULT_SCORE_OPTIONS.similarityWeight + DEFAULT_SCORE_OPTIONS.genreWeight + DEFAULT_SCORE_OPTIONS.popularityWeight;

/** Drops every cached result of a profile (for writers that want it gone before its TTL; never needed for correctness). */
export async function invalidateRecommendations(cache: Cache, profileId: string): Promise<void> {
  try {
    await cache.delPrefix(`${KEY_PREFIX}${profileId}:`);
  } catch {
    // Entries also expire by TTL, and the fingerprint in the key keeps them from being served stale.
  }
}

/** The profile's recommendations, from the cache when nothing it depends on changed. */
export async function profileRecommendations(deps: RecsDeps, viewer: Viewer): Promise<ProfileRecs> {
  const [snapshot, fingerprint] = await Promise.all([
    currentSnapshot(deps),
    signalFingerprint(deps.em, viewer.profileId, viewer.userId),
  ]);
  const digest = createHash('sha1').update(fingerprint).digest('base64url').slice(0, 16);
  const key = `${KEY_PREFIX}${viewer.profileId}:l${viewer.maxLevel}:v${snapshot.version}:${digest}`;
  let failed: unknown;
  const compute = () =>
    computeRecommendations(deps.em, viewer, snapshot).catch((err) => {
      failed = err;
      throw err;
    });
  try {
    return await deps.cache.wrap(key, RECS_TTL_SECONDS, compute);
  } catch (_err) {
    // A cache outage degrades to computing; a failing computation is the caller's error.
    if (failed) throw failed;
    return computeRecommendations(deps.em, viewer, snapshot);
  }
}

/** Scores the profile from scratch (no cache). */
export async function computeRecommendations(
  em: Em,
  viewer: Viewer,
  snapshot: Snapshot,
  now = Date.now(),
): Promise<ProfileRecs> {
  recsCounters.computed++;
  const { signals, genres } = await loadProfileSignals(em, viewer.profileId, viewer.userId);
  const interactions: Interaction[] = [];
  for (const s of signals) {
    const item = snapshot.index.get(s.title_id);
    if (item !== undefined) interactions.push({ item, weight: s.w, at: s.at });
  }

  // Only the items similarity walks (the most recent non-zero ones) need neighbour rows, and past the
  // first FULL_NEIGHBOUR_ITEMS an item's recency weight is about the model's floor (0.02 of the latest
  // one's), so its best few neighbours carry nearly all it adds: the read stays a few thousand rows.
  const folded = foldInteractions(interactions).filter((s) => s.weight !== 0);
  const recent = folded.slice(Math.max(0, folded.length - DEFAULT_SCORE_OPTIONS.maxProfileItems));
  const stored = await neighbourRows(
    em,
    recent.map((s, i) => ({
      titleId: snapshot.ids[s.item]!,
      limit: recent.length - i <= FULL_NEIGHBOUR_ITEMS ? NEIGHBOURS_PER_ITEM : OLD_ITEM_NEIGHBOURS,
    })),
  );
  const rows: Array<{ item: number; neighbour: number; score: number }> = [];
  for (const r of stored) {
    const item = snapshot.index.get(r.title_id);
    const neighbour = snapshot.index.get(r.neighbour_id);
    if (item !== undefined && neighbour !== undefined) rows.push({ item, neighbour, score: Number(r.score) });
  }
  const neighbours = neighboursFromRows(rows, snapshot.ids.length);

  const level = viewer.maxLevel;
  const allowed = (j: number) => snapshot.maturity[j]! <= level;
  const results = scoreProfile({
    interactions,
    declaredGenres: genres,
    neighbours,
    itemGenres: snapshot.itemGenres,
    popularity: snapshot.prior,
    allowed,
    now,
    limit: CANDIDATES,
  });

  const toItem = (r: Recommendation): RecItem => ({ id: snapshot.ids[r.item]!, confidence: round3(r.confidence) });
  const list = diversify(results, { limit: LIST_SIZE, itemGenres: snapshot.itemGenres }).map(toItem);
  const seen = new Set(interactions.map((i) => i.item));
  const rowsOut = await buildRows(em, snapshot, results, (j) => allowed(j) && !seen.has(j));
  return { generated_at: new Date(now).toISOString(), list, rows: rowsOut };
}

function groupBy(
  results: readonly Recommendation[],
  key: (r: Recommendation) => number | null,
): Array<[number, Recommendation[]]> {
  const groups = new Map<number, Recommendation[]>();
  for (const r of results) {
    const k = key(r);
    if (k === null) continue;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  // Results arrive best first, so a group's first entry is its best: strongest groups first.
  return [...groups].sort((a, b) => b[1][0]!.score - a[1][0]!.score || a[0] - b[0]);
}

async function buildRows(
  em: Em,
  snapshot: Snapshot,
  results: readonly Recommendation[],
  candidate: (j: number) => boolean,
): Promise<RecRow[]> {
  const shown = new Set<number>();
  const take = (group: readonly Recommendation[]) => {
    const picked = diversify(
      group.filter((r) => !shown.has(r.item)),
      { limit: ROW_SIZE, itemGenres: snapshot.itemGenres },
    );
    for (const r of picked) shown.add(r.item);
    return picked.map((r) => ({ id: snapshot.ids[r.item]!, confidence: round3(r.confidence) }));
  };
  const out: RecRow[] = [];

  const because = groupBy(
    results.filter((r) => r.reasons.primary === 'similar'),
    (r) => r.reasons.because,
  ).slice(0, BECAUSE_ROWS);
  const names = await titleNames(
    em,
    because.map(([item]) => snapshot.ids[item]!),
  );
  for (const [item, group] of because) {
    const name = names.get(snapshot.ids[item]!);
    const items = take(group);
    if (name && items.length > 0) out.push({ category: `Because you watched ${name}`, kind: 'because', items });
  }

  const byGenre = groupBy(
    results.filter((r) => r.reasons.primary === 'genre'),
    (r) => r.reasons.genre,
  );
  for (const [genre, group] of byGenre.filter(([g]) => genreNames.has(g)).slice(0, GENRE_ROWS)) {
    const items = take(group);
    if (items.length > 0) out.push({ category: `Top picks in ${genreNames.get(genre)}`, kind: 'genre', items });
  }

  // Popular on Cinemate: the model's popularity-led results, then the platform chart for the rest.
  const popular = take(results.filter((r) => r.reasons.primary === 'popular'));
  const { level } = snapshot.prior;
  for (let p = 0; p < snapshot.byPopularity.length && popular.length < ROW_SIZE; p++) {
    const j = snapshot.byPopularity[p]!;
    if (shown.has(j) || !candidate(j)) continue;
    shown.add(j);
    popular.push({
      id: snapshot.ids[j]!,
      confidence: round3((DEFAULT_SCORE_OPTIONS.popularityWeight * level[j]!) / weightSum),
    });
  }
  if (popular.length > 0) out.push({ category: 'Popular on Cinemate', kind: 'popular', items: popular });
  return out;
}
