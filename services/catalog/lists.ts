// Catalog lists from the local tables: popular, coming soon, browse, new releases and trending. Each page
// is cached per maturity level (two tiers); the viewer's flags are laid over it per request.
import type { Static } from '@sinclair/typebox';
import {
  type CardFilter,
  type CardOrder,
  cardPage,
  countCards,
  countGenre,
  type GenreSort,
  genrePage,
} from '../../repositories/title-lists.ts';
import type { CardRow, Page } from '../../repositories/titles.ts';
import type { Pagination } from '../../schemas/common.ts';
import type { BrowseQuery } from '../../schemas/content.ts';
import type { Cache } from '../cache/types.ts';
import type { Deps } from '../deps.ts';
import { NO_FLAGS } from './flags.ts';
import type { Em } from '../db/orm.ts';
import type { Viewer } from '../deps.ts';
import { AppError } from '../errors.ts';
import { ADULT_LEVEL } from './maturity.ts';
import { GENRE_WORDS, genreIdsOf } from './genres.ts';
import { pageFlags, toCard, toContentItems, type Card, type ContentItem } from './cards.ts';
import { cachedRead, envelopeJson, listKey, TTL, type Entry } from './cache.ts';

export type ListDeps = Pick<Deps, 'em' | 'cache' | 'clock'>;

export type { Page };
export type PageInfo = Static<typeof Pagination>;

/** Either the shared serialized body (bytes when cached), ready to send, or the viewer's own copy. */
export type Served<T> = { json: string | Buffer } | { data: T };

export const levelOf = (viewer: Viewer | null): number => viewer?.maxLevel ?? ADULT_LEVEL;

/** The UTC day of `now`: titles released by it are out, later ones coming soon. */
export const today = (now: Date): string => now.toISOString().slice(0, 10);

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

const COUNT_TTL = 60;

/**
 * One page of cards and the total. The total depends on the filters only, not on page, limit or sort,
 * so it is cached on its own: paging through a large filtered set counts the rows once a minute.
 */
async function runCards(
  deps: ListDeps,
  filter: CardFilter,
  order: CardOrder,
  p: Page,
  countKey: string,
): Promise<{ rows: CardRow[]; total: number }> {
  const count = () => countCards(deps.em, filter);
  const [rows, total] = await Promise.all([
    cardPage(deps.em, filter, order, p),
    deps.cache.wrap(`catalog:count:${countKey}`, COUNT_TTL, count).catch(count),
  ]);
  return { rows, total };
}

export type MovieList = { movies: Card[]; pagination: PageInfo };

export async function popular(deps: ListDeps, viewer: Viewer | null, p: Page): Promise<Served<MovieList>> {
  const level = levelOf(viewer);
  const entry = await cachedRead(
    deps.cache,
    listKey('popular', { l: level, p: p.page, n: p.limit }),
    TTL.list,
    async () => {
      const { rows, total } = await runCards(deps, { level }, 'popularity', p, `all:l${level}`);
      return { movies: rows.map(toCard), pagination: pageInfo(p, total) };
    },
  );
  return serve(deps, viewer, entry, 'movies');
}

export async function comingSoon(deps: ListDeps, viewer: Viewer | null, p: Page): Promise<Served<MovieList>> {
  const level = levelOf(viewer);
  const day = today(deps.clock.now());
  const entry = await cachedRead(
    deps.cache,
    listKey('coming-soon', { d: day, l: level, p: p.page, n: p.limit }),
    TTL.list,
    async () => {
      const filter = { level, releasedAfter: day };
      const { rows, total } = await runCards(deps, filter, 'coming_soon', p, `after:${day}:l${level}`);
      return { movies: rows.map(toCard), pagination: pageInfo(p, total) };
    },
  );
  return serve(deps, viewer, entry, 'movies');
}

export type BrowseFilters = Static<typeof BrowseQuery>;

const DOCUMENTARY = 99;

export type ContentList = { content: ContentItem[]; pagination: PageInfo & { has_next: boolean } };

/** The browse filters with `genre` and `type` resolved to genre ids and a kind; an unknown genre word is 400. */
function browseFilter(f: BrowseFilters, level: number): CardFilter {
  const { ids, unknown } = f.genre === undefined ? { ids: [], unknown: [] } : genreIdsOf(f.genre);
  if (unknown.length > 0)
    throw new AppError('INVALID_REQUEST', `Unknown genre ${unknown.map((w) => `'${w}'`).join(', ')}`, {
      field: 'genre',
      valid: GENRE_WORDS,
      hint: 'a genre id from GET /movies/genres or one of the valid names',
    });
  const documentary = f.type === 'documentary';
  // type=documentary alone is the Documentary genre; next to a genre filter it narrows that filter.
  const genres = documentary && ids.length === 0 ? [DOCUMENTARY] : ids;
  return {
    level,
    genre: genres.length === 1 ? genres[0] : undefined,
    anyGenre: genres.length > 1 ? genres : undefined,
    alsoGenre: documentary && ids.length > 0 ? DOCUMENTARY : undefined,
    kind: f.type === 'movie' || f.type === 'series' ? f.type : undefined,
    certification: f.rating,
    language: f.language,
    releasedFrom: f.year_from === undefined ? undefined : `${f.year_from}-01-01`,
    releasedBefore: f.year_to === undefined ? undefined : `${f.year_to + 1}-01-01`,
  };
}

export async function browse(
  deps: ListDeps,
  viewer: Viewer | null,
  f: BrowseFilters,
  bypassCache = false,
): Promise<Served<ContentList>> {
  const level = levelOf(viewer);
  const sort = f.sort ?? 'popularity';
  const filter = browseFilter(f, level);
  // The cache key names the resolved filter, so `action`, `Action` and `28,10759` share one entry.
  const filterKey = {
    l: level,
    g: filter.genre ?? filter.anyGenre?.join('.'),
    ag: filter.alsoGenre,
    t: filter.kind,
    r: f.rating,
    lang: f.language,
    yf: f.year_from,
    yt: f.year_to,
  };
  const load = async (): Promise<ContentList> => {
    const { genre, ...rest } = filter;
    const genreOnly = Object.entries(rest).every(([k, v]) => k === 'level' || v === undefined);
    const { rows, total } =
      genre !== undefined && genreOnly
        ? await genreCards(deps, genre, level, sort, f)
        : await runCards(deps, filter, sort, f, listKey('browse', filterKey).slice('catalog:list:'.length));
    return {
      content: await toContentItems(deps.em, rows),
      pagination: { ...pageInfo(f, total), has_next: f.page * f.limit < total },
    };
  };
  const key = listKey('browse', { ...filterKey, s: sort, p: f.page, n: f.limit });
  const entry: Entry<ContentList> = bypassCache
    ? { data: await load() }
    : await cachedRead(deps.cache, key, TTL.list, load);
  return serve(deps, viewer, entry, 'content');
}

/** The most common browse, one genre and no other filter: index-only scans of title_genres. */
async function genreCards(
  deps: ListDeps,
  genre: number,
  level: number,
  sort: GenreSort,
  p: Page,
): Promise<{ rows: CardRow[]; total: number }> {
  const count = () => countGenre(deps.em, genre, level);
  const [rows, total] = await Promise.all([
    genrePage(deps.em, genre, level, sort, p),
    deps.cache.wrap(`catalog:count:genre:${genre}:l${level}`, COUNT_TTL, count).catch(count),
  ]);
  return { rows, total };
}

/**
 * New releases: titles that became available on this platform (entered the catalog or got their first
 * playable video) within the last `days` days, newest first, release date breaking ties; titles not yet
 * released are coming soon, not new.
 */
export async function newReleases(
  deps: ListDeps,
  viewer: Viewer | null,
  p: Page & { days: number },
): Promise<Served<ContentList>> {
  const level = levelOf(viewer);
  const now = deps.clock.now();
  const day = today(now);
  // The window starts at a whole hour, so one cached page serves the hour and the count key stays put.
  const since = new Date(Math.floor((now.getTime() - p.days * 86_400_000) / 3_600_000) * 3_600_000);
  const entry = await cachedRead(
    deps.cache,
    listKey('new-releases', { d: day, s: since.getTime(), l: level, p: p.page, n: p.limit }),
    TTL.list,
    async () => {
      const filter = { level, availableSince: since, releasedBy: day };
      const { rows, total } = await runCards(deps, filter, 'added', p, `added:${since.getTime()}:${day}:l${level}`);
      return {
        content: await toContentItems(deps.em, rows),
        pagination: { ...pageInfo(p, total), has_next: p.page * p.limit < total },
      };
    },
  );
  return serve(deps, viewer, entry, 'content');
}

// Trending: plays on this platform weighted down over days (repositories/title-lists.ts); titles nobody played
// follow in popularity order, so the list is never empty.

export async function trending(deps: ListDeps, viewer: Viewer | null, p: Page): Promise<Served<ContentList>> {
  const level = levelOf(viewer);
  const entry = await cachedRead(
    deps.cache,
    listKey('trending', { l: level, p: p.page, n: p.limit }),
    TTL.list,
    async () => {
      const { rows, total } = await runCards(deps, { level }, 'trending', p, `all:l${level}`);
      return {
        content: await toContentItems(deps.em, rows),
        pagination: { ...pageInfo(p, total), has_next: p.page * p.limit < total },
      };
    },
  );
  return serve(deps, viewer, entry, 'content');
}
