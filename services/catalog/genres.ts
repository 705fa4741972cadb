// TMDb's movie and TV genre lists (ids and names exactly as TMDb publishes them), their union by id, and
// the stored genres list.
import { allGenres } from '../../repositories/titles.ts';
import type { Deps } from '../deps.ts';

export type Genre = { id: number; name: string };

export const MOVIE_GENRES: ReadonlyArray<Genre> = [
  { id: 28, name: 'Action' },
  { id: 12, name: 'Adventure' },
  { id: 16, name: 'Animation' },
  { id: 35, name: 'Comedy' },
  { id: 80, name: 'Crime' },
  { id: 99, name: 'Documentary' },
  { id: 18, name: 'Drama' },
  { id: 10751, name: 'Family' },
  { id: 14, name: 'Fantasy' },
  { id: 36, name: 'History' },
  { id: 27, name: 'Horror' },
  { id: 10402, name: 'Music' },
  { id: 9648, name: 'Mystery' },
  { id: 10749, name: 'Romance' },
  { id: 878, name: 'Science Fiction' },
  { id: 10770, name: 'TV Movie' },
  { id: 53, name: 'Thriller' },
  { id: 10752, name: 'War' },
  { id: 37, name: 'Western' },
];

export const TV_GENRES: ReadonlyArray<Genre> = [
  { id: 10759, name: 'Action & Adventure' },
  { id: 16, name: 'Animation' },
  { id: 35, name: 'Comedy' },
  { id: 80, name: 'Crime' },
  { id: 99, name: 'Documentary' },
  { id: 18, name: 'Drama' },
  { id: 10751, name: 'Family' },
  { id: 10762, name: 'Kids' },
  { id: 9648, name: 'Mystery' },
  { id: 10763, name: 'News' },
  { id: 10764, name: 'Reality' },
  { id: 10765, name: 'Sci-Fi & Fantasy' },
  { id: 10766, name: 'Soap' },
  { id: 10767, name: 'Talk' },
  { id: 10768, name: 'War & Politics' },
  { id: 37, name: 'Western' },
];

const byId = new Map<number, Genre>();
for (const genre of TV_GENRES) byId.set(genre.id, genre);
for (const genre of MOVIE_GENRES) byId.set(genre.id, genre);

/** Every genre id from both lists once; where an id is in both, the movie name is kept. */
export const ALL_GENRES: ReadonlyArray<Genre> = [...byId.values()].sort((a, b) => a.id - b.id);

/** GET /movies/genres: the genres table by name (ids as strings, as stored), cached for an hour. */
export const listGenres = (deps: Pick<Deps, 'em' | 'cache'>): Promise<Array<{ id: string; name: string }>> =>
  deps.cache.wrap('genres:all', 3600, () => allGenres(deps.em));

/** A genre name as a URL word: `Science Fiction` → `science-fiction`, `Sci-Fi & Fantasy` → `sci-fi-fantasy`. */
export const genreSlug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/&/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

// Seed 001's words that name a movie genre and its TV counterpart together (TMDb files action series
// under Action & Adventure, science fiction series under Sci-Fi & Fantasy).
const ALIASES: Record<string, number[]> = {
  action: [28, 10759],
  adventure: [12, 10759],
  'sci-fi': [878, 10765],
  scifi: [878, 10765],
  'science-fiction': [878, 10765],
  fantasy: [14, 10765],
  war: [10752, 10768],
  politics: [10768],
  kids: [10762, 10751],
};

const BY_WORD = new Map<string, number[]>(Object.entries(ALIASES));
for (const g of ALL_GENRES) if (!BY_WORD.has(genreSlug(g.name))) BY_WORD.set(genreSlug(g.name), [g.id]);

/** Every word the browse `genre` parameter accepts, for the error that names them. */
export const GENRE_WORDS: ReadonlyArray<string> = [...BY_WORD.keys()].sort();

/**
 * The genre ids a browse `genre` value names: ids and words (slug or name, any case), comma-separated;
 * the words that name no genre come back in `unknown`.
 */
export function genreIdsOf(value: string): { ids: number[]; unknown: string[] } {
  const ids = new Set<number>();
  const unknown: string[] = [];
  for (const part of value.split(',')) {
    const word = part.trim();
    if (!word) continue;
    if (/^\d+$/.test(word)) {
      const id = Number(word);
      if (id >= 1 && id <= 2_147_483_647) ids.add(id);
      else unknown.push(word);
      continue;
    }
    const found = BY_WORD.get(genreSlug(word));
    if (found) for (const id of found) ids.add(id);
    else unknown.push(word);
  }
  return { ids: [...ids].sort((a, b) => a - b), unknown };
}
