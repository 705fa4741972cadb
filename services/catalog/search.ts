// Catalog search in the database: full-text over titles.search_vector (title, original title, cast,
// directors, genres; word prefixes) plus trigram word similarity on titles, so typos still match.
// Ranked by relevance (an exact title first), then popularity.
import type { Em } from '../db/orm.ts';
import type { Viewer } from '../profiles/viewer.ts';
import { CARD_COLUMNS, isoDay, toCard, type Card, type CardRow } from './cards.ts';
import { cachedRead, TTL } from './cache.ts';
import { levelOf, pageInfo, serve, type ListDeps, type MovieList, type Page, type Served } from './lists.ts';

export interface SearchOptions {
  q: string;
  level: number;
  type?: 'movie' | 'series';
  limit: number;
  offset: number;
}

type ScoredRow = CardRow & { score: number };

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
  if (tsq) {
    const words = await rankCandidates(em, o, raw, tsq, false);
    if (words.total >= o.offset + o.limit || raw.length < 4) return words;
  }
  if (raw.length < 4) return { rows: [], total: 0 };
  return rankCandidates(em, o, raw, tsq, true);
}

async function rankCandidates(
  em: Em,
  o: SearchOptions,
  raw: string,
  tsq: string | null,
  trigram: boolean,
): Promise<{ rows: ScoredRow[]; total: number }> {
  const filter = `t.deleted_at is null and t.maturity_level <= ? ${o.type ? 'and t.kind = ?' : ''}`;
  const filterParams = [o.level, ...(o.type ? [o.type] : [])];
  const candidates = candidatesFor(o);
  // The exact title is always a candidate, however many more popular titles share its words.
  const branches: string[] = [`(select t.id from titles t where lower(t.title) = ? and ${filter})`];
  const params: unknown[] = [raw, ...filterParams];
  if (tsq) {
    branches.push(
      `(select t.id from titles t where t.search_vector @@ to_tsquery('simple', ?) and ${filter} order by t.popularity desc limit ${candidates})`,
    );
    params.push(tsq, ...filterParams);
  }
  if (trigram) {
    branches.push(`(select t.id from titles t where ? <% lower(t.title) and ${filter} limit ${candidates})`);
    params.push(raw, ...filterParams);
  }
  // Scores: 1 for an exact title; else the better of the title's trigram closeness and the full-text rank
  // (title words weigh most, then cast and directors, then genres), both below 1.
  const rank = tsq ? `least(ts_rank(t.search_vector, to_tsquery('simple', ?)), 1.0) * 0.9` : '0';
  const rows = await em.execute<Array<ScoredRow & { total: string | number }>>(
    `with c as (${branches.join(' union ')})
     select ${CARD_COLUMNS}, count(*) over () as total,
       case when lower(t.title) = ? or lower(t.original_title) = ? then 1.0
         else greatest(0.7 * word_similarity(?, lower(t.title)) + 0.3 * similarity(?, lower(t.title)), ${rank}) end as score
     from c join titles t on t.id = c.id
     order by score desc, t.popularity desc, t.id limit ? offset ?`,
    [...params, raw, raw, raw, raw, ...(tsq ? [tsq] : []), o.limit, o.offset],
  );
  if (rows.length > 0 || o.offset === 0) return { rows, total: Number(rows[0]?.total ?? 0) };
  // Past the last page: the window count is not there, so count the candidates alone.
  const [n] = await em.execute<{ n: string | number }[]>(
    `select count(*) as n from (${branches.join(' union ')}) c`,
    params,
  );
  return { rows, total: Number(n?.n ?? 0) };
}

const score = (s: number): number => Math.max(0, Math.min(1, Math.round(Number(s) * 1000) / 1000));

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

export interface SearchResult {
  id: string;
  title: string;
  type: 'movie' | 'series';
  match_score: number;
  thumbnail_url: string | null;
  poster: string | null;
  release_date: string | null;
  release_year: number | null;
  genres: string[];
  rating: number;
  certification: string;
  is_series: boolean;
}

export type SearchResults = { results: SearchResult[]; total_results: number; query: string };

const toResult = (row: ScoredRow): SearchResult => {
  const card: Card = toCard(row);
  const release = isoDay(row.release_date);
  return {
    id: card.id,
    title: card.title,
    type: row.kind,
    match_score: score(row.score),
    thumbnail_url: card.poster,
    poster: card.poster,
    release_date: release,
    release_year: release ? Number(release.slice(0, 4)) : null,
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
