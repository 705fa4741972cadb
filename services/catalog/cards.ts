// Title cards: the seed 003 MOVIE_LIST item built from a titles row, the seed 001 browse extras, and the
// personal flags laid over a page of cards per request (cached per profile, never across viewers).
import type { Cache } from '../cache/types.ts';
import { personalTier } from '../cache/personal.ts';
import type { Em } from '../db/orm.ts';
import { NO_FLAGS, personalFlags, type PersonalFlags } from '../library/flags.ts';
import { imageUrl } from '../tmdb/client.ts';
import { ALL_GENRES } from './genres.ts';

/** The columns every card query selects (table alias t). */
export const CARD_COLUMNS = `t.id, t.kind, t.title, t.overview, t.release_date, t.runtime, t.genre_ids, t.vote_average,
  t.certification, t.poster_path, t.backdrop_path, t.season_count, t.episode_count`;

export interface CardRow {
  id: string;
  kind: 'movie' | 'series';
  title: string;
  overview: string | null;
  release_date: string | null;
  runtime: number | null;
  genre_ids: number[];
  vote_average: number;
  certification: string;
  poster_path: string | null;
  backdrop_path: string | null;
  season_count: number | null;
  episode_count: number | null;
}

export interface Card extends PersonalFlags {
  id: string;
  title: string;
  poster: string | null;
  backdrop: string | null;
  synopsis: string;
  release_date: string | null;
  duration: number | null;
  genres: string[];
  rating: number;
  is_series: boolean;
  certification: string;
}

export interface ContentItem extends Card {
  type: 'movie' | 'series';
  release_year: number | null;
  seasons: number | null;
  episodes: number | null;
  cast: string[];
  director: string | null;
}

const genreNames = new Map(ALL_GENRES.map((g) => [g.id, g.name]));

export const genreList = (ids: number[]): string[] =>
  ids.map((id) => genreNames.get(id)).filter((n): n is string => Boolean(n));

/** Admin uploads store a full URL; TMDb stores a file path. */
export const image = (path: string | null, size = 'w500'): string | null =>
  path && /^https?:\/\//.test(path) ? path : imageUrl(path, size);

/** A date column as YYYY-MM-DD whichever way the driver returned it. */
export const isoDay = (value: string | Date | null): string | null =>
  value === null ? null : typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);

export const round = (n: number, digits = 1): number => Math.round(Number(n) * 10 ** digits) / 10 ** digits;

export function toCard(row: CardRow): Card {
  return {
    id: row.id,
    title: row.title,
    poster: image(row.poster_path),
    backdrop: image(row.backdrop_path),
    synopsis: row.overview ?? '',
    release_date: isoDay(row.release_date),
    duration: row.runtime,
    genres: genreList(row.genre_ids ?? []),
    rating: round(row.vote_average),
    is_series: row.kind === 'series',
    certification: row.certification,
    ...NO_FLAGS,
  };
}

/** Browse items: the card plus seed 001's type, year, counts, top cast and director (one query a page). */
export async function toContentItems(em: Em, rows: CardRow[]): Promise<ContentItem[]> {
  const people = new Map<string, { cast: string[]; director: string | null }>();
  if (rows.length > 0) {
    const credits = await em.execute<{ title_id: string; name: string; role: string }[]>(
      `select c.title_id, p.name, c.role from credits c join people p on p.id = c.person_id
       where c.title_id in (?) and (c.role = 'director' or c.ord < 3) order by c.title_id, c.role desc, c.ord`,
      [rows.map((r) => r.id)],
    );
    for (const c of credits) {
      const entry = people.get(c.title_id) ?? { cast: [], director: null };
      if (c.role === 'cast') entry.cast.push(c.name);
      else entry.director ??= c.name;
      people.set(c.title_id, entry);
    }
  }
  return rows.map((row) => {
    const release = isoDay(row.release_date);
    return {
      ...toCard(row),
      type: row.kind,
      release_year: release ? Number(release.slice(0, 4)) : null,
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
