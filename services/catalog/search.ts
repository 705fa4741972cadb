// Catalog search in the database: full-text over titles.search_vector (title, original title, cast,
// directors, genres; word prefixes) plus trigram word similarity on titles, so typos still match.
// Ranked by relevance (an exact title first), then popularity.
import type { Static } from '@sinclair/typebox';
import { rankCandidates, type ScoredRow } from '../../repositories/titles-search.ts';
import type { SearchResponse, SearchResult as SearchResultSchema } from '../../schemas/content.ts';
import type { Em } from '../db/orm.ts';
import type { Viewer } from '../deps.ts';
import { toCard, yearOf } from './cards.ts';
import { cachedRead, TTL } from './cache.ts';
import { levelOf, pageInfo, serve, type ListDeps, type MovieList, type Page, type Served } from './lists.ts';

export interface SearchOptions {
  q: string;
  level: number;
  type?: 'movie' | 'series';
  limit: number;
  offset: number;
}

/** Lower-cased words of the query as a prefix tsquery ("al pacino" → "al:* & pacino:*"); null when none. */
export function prefixQuery(q: string): string | null {
  const words = (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 10);
  return words.length === 0 ? null : words.map((w) => `${w}:*`).join(' & ');
}

export const normalise = (q: string): string => q.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Candidates per branch (full-text, trigram): enough to fill the requested page four times over, at
 * least 40 and at most 200. This bounds the ranking work, so a first page of a common word costs a
 * fraction of a deep page; total_results counts up to 2× this.
 */
export const candidatesFor = (o: Pick<SearchOptions, 'limit' | 'offset'>): number =>
  Math.min(200, Math.max(40, 4 * (o.offset + o.limit)));

/**
 * Candidates come from two index-driven branches: full-text matches (the most popular candidatesFor() of
 * them) and trigram title matches (queries of 4+ characters, where typos are worth tolerating). Only the
 * candidates are scored, so a short, common query costs the same as a rare one.
 */
export async function searchTitles(em: Em, o: SearchOptions): Promise<{ rows: ScoredRow[]; total: number }> {
  const raw = normalise(o.q);
  const tsq = prefixQuery(raw);
  // Full-text first; the trigram branch (typo tolerance, the costlier index) joins only when the words
  // alone do not fill the requested page.
  const ranked = (trigram: boolean) =>
    rankCandidates(em, {
      raw,
      tsq,
      trigram,
      level: o.level,
      kind: o.type,
      candidates: candidatesFor(o),
      limit: o.limit,
      offset: o.offset,
    });
  if (tsq) {
    const words = await ranked(false);
    if (words.total >= o.offset + o.limit || raw.length < 4) return words;
  }
  if (raw.length < 4) return { rows: [], total: 0 };
  return ranked(true);
}

const score = (s: number): number => Math.max(0, Math.min(1, Math.round(s * 1000) / 1000));

/** GET /movies/search: MOVIE_LIST, paginated. */
export async function searchMovies(
  deps: ListDeps,
  viewer: Viewer | null,
  q: string,
  p: Page,
): Promise<Served<MovieList>> {
  const level = levelOf(viewer);
  const key = `catalog:search:movies:l${level}:p${p.page}:n${p.limit}:${normalise(q)}`;
  const entry = await cachedRead(deps.cache, key, TTL.search, async () => {
    const { rows, total } = await searchTitles(deps.em, { q, level, limit: p.limit, offset: (p.page - 1) * p.limit });
    return { movies: rows.map(toCard), pagination: pageInfo(p, total) };
  });
  return serve(deps, viewer, entry, 'movies');
}

export type SearchResult = Static<typeof SearchResultSchema>;

export type SearchResults = Static<typeof SearchResponse>['data'];

const toResult = (row: ScoredRow): SearchResult => {
  const card = toCard(row);
  return {
    id: card.id,
    title: card.title,
    type: row.kind,
    match_score: score(row.score),
    thumbnail_url: card.poster,
    poster: card.poster,
    release_date: row.release_date,
    release_year: yearOf(row.release_date),
    genres: card.genres,
    rating: card.rating,
    certification: card.certification,
    is_series: card.is_series,
  };
};

/** GET /search (seed 001): the best `limit` matches with a match_score, and how many matched in all. */
export async function searchContent(
  deps: ListDeps,
  viewer: Viewer | null,
  q: string,
  type: 'movie' | 'series' | undefined,
  limit: number,
): Promise<SearchResults> {
  const level = levelOf(viewer);
  const key = `catalog:search:content:l${level}:t${type ?? ''}:n${limit}:${normalise(q)}`;
  const entry = await cachedRead(deps.cache, key, TTL.search, async () => {
    const { rows, total } = await searchTitles(deps.em, { q, level, type, limit, offset: 0 });
    return { results: rows.map(toResult), total_results: total, query: normalise(q) };
  });
  return entry.data;
}
