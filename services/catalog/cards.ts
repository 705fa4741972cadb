// Title cards: the seed 003 MOVIE_LIST item built from a titles row, the seed 001 browse extras, and the
// personal flags laid over a page of cards per request (cached per profile, never across viewers).
import type { Cache } from '../cache/types.ts';
import { personalTier } from '../cache/personal.ts';
import type { Static } from '@sinclair/typebox';
import { topCredits } from '../../repositories/credits.ts';
import { CARD_FIELDS, type CardRow } from '../../repositories/titles.ts';
import type { ContentItem as ContentItemSchema } from '../../schemas/content.ts';
import type { MovieCard } from '../../schemas/movies.ts';
import type { Em } from '../db/orm.ts';
import { NO_FLAGS, type PersonalFlags, personalFlags } from './flags.ts';
import { imageUrl } from '../tmdb/client.ts';
import { isArtworkPath } from './artwork.ts';
import { ALL_GENRES } from './genres.ts';

export type { CardRow };

/** The card columns as one select list (table alias t), for callers that still write their own SQL. */
export const CARD_COLUMNS = CARD_FIELDS.join(', ');

export type Card = Static<typeof MovieCard>;
export type ContentItem = Static<typeof ContentItemSchema>;

const genreNames = new Map(ALL_GENRES.map((g) => [g.id, g.name]));

export const genreList = (ids: number[]): string[] =>
  ids.map((id) => genreNames.get(id)).filter((n): n is string => Boolean(n));

/**
 * Admin uploads store a full URL; TMDb stores a file path; generated artwork (the demo catalog) is served
 * by this API, so its URL is relative to the API origin (/api/v1/artwork/...).
 */
export const image = (path: string | null, size = 'w500'): string | null =>
  path && (/^https?:\/\//.test(path) || isArtworkPath(path)) ? path : imageUrl(path, size);

/** Averages are stored as real; a card shows one decimal. */
export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** The year of a YYYY-MM-DD day. */
export const yearOf = (day: string | null): number | null => (day ? Number(day.slice(0, 4)) : null);

export function toCard(row: CardRow): Card {
  return {
    id: row.id,
    title: row.title,
    poster: image(row.poster_path),
    backdrop: image(row.backdrop_path),
    synopsis: row.overview ?? '',
    release_date: row.release_date,
    duration: row.runtime,
    genres: genreList(row.genre_ids),
    rating: round(row.vote_average),
    is_series: row.kind === 'series',
    certification: row.certification,
    ...NO_FLAGS,
  };
}

/** Browse items: the card plus seed 001's type, year, counts, top cast and director (one query a page). */
export async function toContentItems(em: Em, rows: CardRow[]): Promise<ContentItem[]> {
  const people = new Map<string, { cast: string[]; director: string | null }>();
  for (const c of await topCredits(
    em,
    rows.map((r) => r.id),
  )) {
    const entry = people.get(c.title_id) ?? { cast: [], director: null };
    if (c.role === 'cast') entry.cast.push(c.name);
    else entry.director ??= c.name;
    people.set(c.title_id, entry);
  }
  return rows.map((row) => {
    const card = toCard(row);
    return {
      ...card,
      type: row.kind,
      // Seed 001's names for what the card already has; its duration counts seconds.
      duration: row.runtime === null ? null : row.runtime * 60,
      runtime: row.runtime,
      thumbnail_url: image(row.poster_path, 'w342'),
      description: card.synopsis,
      genre: card.genres,
      release_year: yearOf(row.release_date),
      seasons: row.kind === 'series' ? (row.season_count ?? 0) : null,
      episodes: row.kind === 'series' ? (row.episode_count ?? 0) : null,
      cast: people.get(row.id)?.cast ?? [],
      director: people.get(row.id)?.director ?? null,
    };
  });
}

/** Copies of the cards with this profile's flags (one personalFlags call for the page). */
export async function withFlags<T extends { id: string }>(
  em: Em,
  profileId: string,
  cards: T[],
): Promise<Array<T & PersonalFlags>> {
  if (cards.length === 0) return [];
  const flags = await personalFlags(
    em,
    profileId,
    cards.map((c) => c.id),
  );
  return cards.map((c) => ({ ...c, ...(flags.get(c.id) ?? NO_FLAGS) }));
}

/** This profile's flags for a page of cards, kept in the personal tier until the account next writes. */
export function pageFlags(
  deps: { readonly em: Em; cache: Cache },
  viewer: { userId: string; profileId: string },
  cards: Array<{ id: string }>,
): Promise<Map<string, PersonalFlags>> {
  const ids = cards.map((c) => c.id);
  if (ids.length === 0) return Promise.resolve(new Map());
  return personalTier(deps.cache).read(viewer.userId, `flags:${viewer.profileId}:${ids.join(',')}`, () =>
    personalFlags(deps.em, viewer.profileId, ids),
  );
}
