// Catalog lists from the local tables: popular, coming soon, browse, new releases and trending. Each page
// is cached per maturity level (two tiers); the viewer's flags are laid over it per request.
import type { Cache } from '../cache/types.ts';
import type { Deps } from '../deps.ts';
import { NO_FLAGS } from '../library/flags.ts';
import type { Em } from '../db/orm.ts';
import type { Viewer } from '../profiles/viewer.ts';
import { ADULT_LEVEL } from './maturity.ts';
import { CARD_COLUMNS, pageFlags, toCard, toContentItems, type Card, type CardRow, type ContentItem } from './cards.ts';
import { cachedRead, envelopeJson, listKey, TTL, type Entry } from './cache.ts';

export type ListDeps = Pick<Deps, 'em' | 'cache'>;

export interface Page {
  page: number;
  limit: number;
}

export interface PageInfo {
  page: number;
  limit: number;
  total: number;
  total_pages: number;
}

/** Either the cached anonymous body, ready to send, or the viewer's own copy. */
export type Served<T> = { json: string } | { data: T };

export const levelOf = (viewer: Viewer | null): number => viewer?.maxLevel ?? ADULT_LEVEL;

export const today = (): string => new Date().toISOString().slice(0, 10);

export const pageInfo = (p: Page, total: number): PageInfo => ({
  page: p.page,
  limit: p.limit,
  total,
  total_pages: Math.ceil(total / p.limit),
});

/** Personalises a cached entry whose data holds one card array under `field` (an anonymous read never touches em). */
export async function serve<K extends string, D extends Record<K, Array<{ id: string }>>>(
  deps: { readonly em: Em; cache: Cache },
  viewer: Viewer | null,
  entry: Entry<D>,
  field: K,
): Promise<Served<D>> {
  if (!viewer) return { json: envelopeJson(entry) };
  const cards = entry.data[field];
  // Most pages carry none of a profile's flags: then its answer is the shared body, byte for byte.
  const flags = await pageFlags(deps, viewer, cards);
  if (flags.size === 0) return { json: envelopeJson(entry) };
  return { data: { ...entry.data, [field]: cards.map((c) => ({ ...c, ...(flags.get(c.id) ?? NO_FLAGS) })) } };
}

interface Query {
  where: string[];
  params: unknown[];
  join?: string;
  order: string;
}

const COUNT_TTL = 60;

/**
 * One page of cards and the total. The total depends on the filters only, not on page, limit or sort,
 * so it is cached on its own: paging through a large filtered set counts the rows once a minute.
 */
async function runCards(
  deps: ListDeps,
  q: Query,
  p: Page,
  countKey: string,
): Promise<{ rows: CardRow[]; total: number }> {
  const from = `from titles t ${q.join ?? ''} where ${q.where.join(' and ')}`;
  const count = async () =>
    Number((await deps.em.execute<{ n: string | number }[]>(`select count(*) as n ${from}`, q.params))[0]?.n ?? 0);
  // Without a join, filters and order name titles columns only: the page's ids come from an index-only
  // walk (the sort indexes carry maturity_level), and only those rows are read in full.
  const page = q.join
    ? `select ${CARD_COLUMNS} ${from} order by ${q.order} limit ? offset ?`
    : `select ${CARD_COLUMNS} from (select t.id ${from} order by ${q.order} limit ? offset ?) p join titles t on t.id = p.id order by ${q.order}`;
  const [rows, total] = await Promise.all([
    deps.em.execute<CardRow[]>(page, [...q.params, p.limit, (p.page - 1) * p.limit]),
    deps.cache.wrap(`catalog:count:${countKey}`, COUNT_TTL, count).catch(count),
  ]);
  return { rows, total };
}

const visible = (level: number): Query => ({
  where: ['t.deleted_at is null', 't.maturity_level <= ?'],
  params: [level],
  order: 't.popularity desc, t.id',
});

export type MovieList = { movies: Card[]; pagination: PageInfo };

export async function popular(deps: ListDeps, viewer: Viewer | null, p: Page): Promise<Served<MovieList>> {
  const level = levelOf(viewer);
  const entry = await cachedRead(
    deps.cache,
    listKey('popular', { l: level, p: p.page, n: p.limit }),
    TTL.list,
    async () => {
      const { rows, total } = await runCards(deps, visible(level), p, `all:l${level}`);
      return { movies: rows.map(toCard), pagination: pageInfo(p, total) };
    },
  );
  return serve(deps, viewer, entry, 'movies');
}

export async function comingSoon(deps: ListDeps, viewer: Viewer | null, p: Page): Promise<Served<MovieList>> {
  const level = levelOf(viewer);
  const day = today();
  const entry = await cachedRead(
    deps.cache,
    listKey('coming-soon', { d: day, l: level, p: p.page, n: p.limit }),
    TTL.list,
    async () => {
      const q = visible(level);
      q.where.push('t.release_date > ?');
      q.params.push(day);
      q.order = 't.release_date asc, t.popularity desc, t.id';
      const { rows, total } = await runCards(deps, q, p, `after:${day}:l${level}`);
      return { movies: rows.map(toCard), pagination: pageInfo(p, total) };
    },
  );
  return serve(deps, viewer, entry, 'movies');
}

export interface BrowseFilters extends Page {
  genre?: number;
  type?: 'movie' | 'series';
  rating?: string;
  language?: string;
  year_from?: number;
  year_to?: number;
  sort?: 'popularity' | 'release_date' | 'rating';
}

export type ContentList = { content: ContentItem[]; pagination: PageInfo & { has_next: boolean } };

const ORDER = {
  popularity: 't.popularity desc, t.id',
  // These match the titles indexes, so an unfiltered page is an index walk, not a sort of every row.
  release_date: 't.release_date desc nulls last, t.id',
  rating: 't.vote_average desc, t.id',
};

export async function browse(
  deps: ListDeps,
  viewer: Viewer | null,
  f: BrowseFilters,
  bypassCache = false,
): Promise<Served<ContentList>> {
  const level = levelOf(viewer);
  const sort = f.sort ?? 'popularity';
  const load = async (): Promise<ContentList> => {
    if (
      f.genre !== undefined &&
      !f.type &&
      !f.rating &&
      !f.language &&
      f.year_from === undefined &&
      f.year_to === undefined
    ) {
      const { rows, total } = await genrePage(deps, f.genre, level, sort, f);
      return {
        content: await toContentItems(deps.em, rows),
        pagination: { ...pageInfo(f, total), has_next: f.page * f.limit < total },
      };
    }
    const q = visible(level);
    q.order = ORDER[sort];
    if (f.genre !== undefined) {
      // The genre's rows in title_genres carry popularity, so the default sort walks its index in order.
      q.join = 'join title_genres tg on tg.title_id = t.id and tg.genre_id = ?';
      q.params.unshift(f.genre);
      if (sort === 'popularity') q.order = 'tg.popularity desc, tg.title_id';
    }
    if (f.type) {
      q.where.push('t.kind = ?');
      q.params.push(f.type);
    }
    if (f.rating) {
      q.where.push('t.certification = ?');
      q.params.push(f.rating);
    }
    if (f.language) {
      q.where.push('t.original_language = ?');
      q.params.push(f.language);
    }
    if (f.year_from !== undefined) {
      q.where.push('t.release_date >= ?');
      q.params.push(`${f.year_from}-01-01`);
    }
    if (f.year_to !== undefined) {
      q.where.push('t.release_date < ?');
      q.params.push(`${f.year_to + 1}-01-01`);
    }
    const { rows, total } = await runCards(
      deps,
      q,
      f,
      listKey('browse', {
        l: level,
        g: f.genre,
        t: f.type,
        r: f.rating,
        lang: f.language,
        yf: f.year_from,
        yt: f.year_to,
      }).slice('catalog:list:'.length),
    );
    return {
      content: await toContentItems(deps.em, rows),
      pagination: { ...pageInfo(f, total), has_next: f.page * f.limit < total },
    };
  };
  const key = listKey('browse', {
    l: level,
    g: f.genre,
    t: f.type,
    r: f.rating,
    lang: f.language,
    yf: f.year_from,
    yt: f.year_to,
    s: sort,
    p: f.page,
    n: f.limit,
  });
  const entry: Entry<ContentList> = bypassCache
    ? { data: await load() }
    : await cachedRead(deps.cache, key, TTL.list, load);
  return serve(deps, viewer, entry, 'content');
}

const GENRE_ORDER = {
  popularity: (a: string) => `${a}.popularity desc, ${a}.title_id`,
  release_date: (a: string) => `${a}.release_date desc nulls last, ${a}.title_id`,
  rating: (a: string) => `${a}.vote_average desc, ${a}.title_id`,
};

/**
 * The most common browse: one genre, no other filter. title_genres holds the genre's titles with their
 * sort keys and maturity level (deleted titles lose their rows), so the page and the count are index-only
 * scans of title_genres; only the page's rows are read from titles.
 */
async function genrePage(
  deps: ListDeps,
  genre: number,
  level: number,
  sort: keyof typeof GENRE_ORDER,
  p: Page,
): Promise<{ rows: CardRow[]; total: number }> {
  const count = async () =>
    Number(
      (
        await deps.em.execute<{ n: string | number }[]>(
          'select count(*) as n from title_genres where genre_id = ? and maturity_level <= ?',
          [genre, level],
        )
      )[0]?.n ?? 0,
    );
  const [rows, total] = await Promise.all([
    deps.em.execute<CardRow[]>(
      `select ${CARD_COLUMNS} from (select title_id, popularity, release_date, vote_average from title_genres tg where genre_id = ? and maturity_level <= ?
         order by ${GENRE_ORDER[sort]('tg')} limit ? offset ?) g join titles t on t.id = g.title_id
       order by ${GENRE_ORDER[sort]('g')}`,
      [genre, level, p.limit, (p.page - 1) * p.limit],
    ),
    deps.cache.wrap(`catalog:count:genre:${genre}:l${level}`, COUNT_TTL, count).catch(count),
  ]);
  return { rows, total };
}

export async function newReleases(
  deps: ListDeps,
  viewer: Viewer | null,
  p: Page & { days: number },
): Promise<Served<ContentList>> {
  const level = levelOf(viewer);
  const day = today();
  const from = new Date(Date.parse(day) - p.days * 86_400_000).toISOString().slice(0, 10);
  const entry = await cachedRead(
    deps.cache,
    listKey('new-releases', { d: day, days: p.days, l: level, p: p.page, n: p.limit }),
    TTL.list,
    async () => {
      const q = visible(level);
      q.where.push('t.release_date >= ?', 't.release_date <= ?');
      q.params.push(from, day);
      q.order = 't.release_date desc, t.popularity desc, t.id';
      const { rows, total } = await runCards(deps, q, p, `released:${from}:${day}:l${level}`);
      return {
        content: await toContentItems(deps.em, rows),
        pagination: { ...pageInfo(p, total), has_next: p.page * p.limit < total },
      };
    },
  );
  return serve(deps, viewer, entry, 'content');
}

// Trending: plays on this platform, each weighted by exp(-age / 3 days), over the last 30 days; titles
// nobody played follow in popularity order, so the list is never empty.
const DECAY_SECONDS = 3 * 86_400;

export async function trending(deps: ListDeps, viewer: Viewer | null, p: Page): Promise<Served<ContentList>> {
  const level = levelOf(viewer);
  const entry = await cachedRead(
    deps.cache,
    listKey('trending', { l: level, p: p.page, n: p.limit }),
    TTL.list,
    async () => {
      const q = visible(level);
      q.join = `left join (select title_id, sum(exp(-extract(epoch from (now() - watched_at)) / ${DECAY_SECONDS})) as score
      from watch_history where watched_at > now() - interval '30 days' group by title_id) w on w.title_id = t.id`;
      q.order = 'coalesce(w.score, 0) desc, t.popularity desc, t.id';
      const { rows, total } = await runCards(deps, q, p, `all:l${level}`);
      return {
        content: await toContentItems(deps.em, rows),
        pagination: { ...pageInfo(p, total), has_next: p.page * p.limit < total },
      };
    },
  );
  return serve(deps, viewer, entry, 'content');
}
