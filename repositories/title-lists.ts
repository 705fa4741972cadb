// The catalog's card lists: one page of cards under the visibility rule, filtered and in one of the list
// orders, and the count of the filter. The query shapes are the ones the browse indexes were built for:
// deferred joins (ids from an index-only walk first) and title_genres for a genre page.
import { type OrderByItemBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { type DB, db } from './db.ts';
import { CARD_FIELDS, type CardRow, isVisible, offsetOf, type Page, type T, toCount } from './titles.ts';

/** What a catalog list filters on; every list applies the visibility rule. */
export interface CardFilter {
  level: number;
  kind?: 'movie' | 'series';
  certification?: string;
  language?: string;
  /** release_date >= (YYYY-MM-DD) */
  releasedFrom?: string;
  /** release_date <= */
  releasedTo?: string;
  /** release_date < */
  releasedBefore?: string;
  /** release_date > */
  releasedAfter?: string;
  /** Joins the genre's title_genres rows (with other filters; genrePage serves a genre alone). */
  genre?: number;
  /** Titles in any of these genres (several genres of one browse). */
  anyGenre?: number[];
  /** Titles that also carry this genre (type=documentary next to a genre filter). */
  alsoGenre?: number;
  /** available_at >= (became available here since) */
  availableSince?: Date;
  /** Released on or before this day, or with no release date (new releases leave out announcements). */
  releasedBy?: string;
}

const intArray = (ids: number[]) => sql`array[${sql.join(ids.map((id) => sql.lit(id)))}]::integer[]`;

/**
 * The list orders. popularity, release_date and rating match the titles sort indexes, so an unfiltered
 * page is an index walk, not a sort of every row.
 */
export type CardOrder = 'popularity' | 'release_date' | 'rating' | 'coming_soon' | 'newest' | 'added' | 'trending';

/** A list query over titles as t, typed as if title_genres (tg) were joined: only a genre filter joins it. */
type Q<O> = SelectQueryBuilder<T & { tg: DB['title_genres'] }, 't' | 'tg', O>;

function filtered(em: Em, f: CardFilter): Q<object> {
  const k = db(em);
  const genre = f.genre;
  // The genre's rows in title_genres carry popularity, so the default sort walks its index in order.
  const from = (genre === undefined
    ? k.selectFrom('titles as t')
    : k
        .selectFrom('titles as t')
        .innerJoin('title_genres as tg', (j) =>
          j.onRef('tg.title_id', '=', 't.id').on('tg.genre_id', '=', genre),
        )) as unknown as Q<object>;
  let q = from.where(isVisible(f.level));
  if (f.kind) q = q.where('t.kind', '=', f.kind);
  if (f.certification) q = q.where('t.certification', '=', f.certification);
  if (f.language) q = q.where('t.original_language', '=', f.language);
  if (f.releasedFrom) q = q.where('t.release_date', '>=', f.releasedFrom);
  if (f.releasedTo) q = q.where('t.release_date', '<=', f.releasedTo);
  if (f.releasedBefore) q = q.where('t.release_date', '<', f.releasedBefore);
  if (f.releasedAfter) q = q.where('t.release_date', '>', f.releasedAfter);
  if (f.availableSince) q = q.where('t.available_at', '>=', f.availableSince);
  const by = f.releasedBy;
  if (by) q = q.where((eb) => eb.or([eb('t.release_date', '<=', by), eb('t.release_date', 'is', null)]));
  if (f.anyGenre?.length) q = q.where(sql<boolean>`t.genre_ids && ${intArray(f.anyGenre)}`);
  if (f.alsoGenre !== undefined) q = q.where(sql<boolean>`t.genre_ids @> ${intArray([f.alsoGenre])}`);
  return q;
}

// Trending: plays on this platform, each weighted by exp(-age / 3 days), over the last 30 days. watch_history
// belongs to the library and has no entity here, so its aggregate is a typed sql fragment.
const DECAY_SECONDS = 3 * 86_400;
const plays = sql<{
  title_id: string;
  score: number;
}>`(select title_id, sum(exp(-extract(epoch from (now() - watched_at)) / ${sql.lit(DECAY_SECONDS)})) as score
      from watch_history where watched_at > now() - interval '30 days' group by title_id)`.as('w');

function ordered<O>(q: Q<O>, order: CardOrder, genre: boolean): Q<O> {
  switch (order) {
    case 'popularity':
      return genre
        ? q.orderBy('tg.popularity', 'desc').orderBy('tg.title_id')
        : q.orderBy('t.popularity', 'desc').orderBy('t.id');
    case 'release_date':
      return q.orderBy('t.release_date', (o) => o.desc().nullsLast()).orderBy('t.id');
    case 'rating':
      return q.orderBy('t.vote_average', 'desc').orderBy('t.id');
    case 'coming_soon':
      return q.orderBy('t.release_date', 'asc').orderBy('t.popularity', 'desc').orderBy('t.id');
    case 'newest':
      return q.orderBy('t.release_date', 'desc').orderBy('t.popularity', 'desc').orderBy('t.id');
    case 'added':
      // titles_available_idx (migration 0012) walks this order.
      return q
        .orderBy('t.available_at', 'desc')
        .orderBy('t.release_date', (o) => o.desc().nullsLast())
        .orderBy('t.id');
    case 'trending':
      return q.orderBy(sql`coalesce(w.score, 0)`, 'desc').orderBy('t.popularity', 'desc').orderBy('t.id');
  }
}

/** One page of cards. */
export async function cardPage(em: Em, f: CardFilter, order: CardOrder, p: Page): Promise<CardRow[]> {
  const genre = f.genre !== undefined;
  if (order === 'trending') {
    const q = filtered(em, f).leftJoin(plays, 'w.title_id', 't.id') as unknown as Q<object>;
    return ordered(q.select(CARD_FIELDS), order, genre).limit(p.limit).offset(offsetOf(p)).execute();
  }
  if (genre)
    return ordered(filtered(em, f).select(CARD_FIELDS), order, true).limit(p.limit).offset(offsetOf(p)).execute();
  // Without a join, filters and order name titles columns only: the page's ids come from an index-only
  // walk (the sort indexes carry maturity_level), and only those rows are read in full.
  const ids = ordered(filtered(em, f).select('t.id'), order, false).limit(p.limit).offset(offsetOf(p));
  const page = db(em)
    .selectFrom(ids.as('p'))
    .innerJoin('titles as t', 't.id', 'p.id')
    .select(CARD_FIELDS) as unknown as Q<CardRow>;
  return ordered(page, order, false).execute();
}

/** How many titles the filter lets through (independent of order and page). */
export async function countCards(em: Em, f: CardFilter): Promise<number> {
  return toCount(
    await filtered(em, f)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst(),
  );
}

export type GenreSort = 'popularity' | 'release_date' | 'rating';
const GENRE_SORT_KEY = { popularity: 'popularity', release_date: 'release_date', rating: 'vote_average' } as const;

/**
 * The most common browse: one genre, no other filter. title_genres holds the genre's titles with their
 * sort keys and maturity level (deleted titles lose their rows), so the page and the count are index-only
 * scans of title_genres; only the page's rows are read from titles.
 */
export async function genrePage(em: Em, genre: number, level: number, sort: GenreSort, p: Page): Promise<CardRow[]> {
  const k = db(em);
  const key = `g.${GENRE_SORT_KEY[sort]}` as const;
  const direction = (o: OrderByItemBuilder) => (sort === 'release_date' ? o.desc().nullsLast() : o.desc());
  const ids = k
    .selectFrom('title_genres as g')
    .select(['g.title_id', 'g.popularity', 'g.release_date', 'g.vote_average'])
    .where('g.genre_id', '=', genre)
    .where('g.maturity_level', '<=', level)
    .orderBy(key, direction)
    .orderBy('g.title_id')
    .limit(p.limit)
    .offset(offsetOf(p));
  return k
    .selectFrom(ids.as('g'))
    .innerJoin('titles as t', 't.id', 'g.title_id')
    .select(CARD_FIELDS)
    .orderBy(key, direction)
    .orderBy('g.title_id')
    .execute();
}

export async function countGenre(em: Em, genre: number, level: number): Promise<number> {
  return toCount(
    await db(em)
      .selectFrom('title_genres')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('genre_id', '=', genre)
      .where('maturity_level', '<=', level)
      .executeTakeFirst(),
  );
}
