// Where a title's details come from: the local tables, or in TMDb mode TMDb read through into them.
import type { Viewer } from '../deps.ts';
import type { TmdbClient } from '../tmdb/client.ts';
import { bareSeriesId, parseContentId } from './ids.ts';
import { AppError } from '../errors.ts';
import { loadLocalDetails, titleDetails, type Details } from './details.ts';
import { comingSoon, popular, type ListDeps, type MovieList, type Page, type Served } from './lists.ts';
import { searchMovies } from './search.ts';
import { loadTmdbDetails } from './tmdb-read.ts';
import { tmdbMovieList } from './tmdb-lists.ts';

// Seed 003's lists come from TMDb in TMDb mode; browse, trending, new releases and /search always read
// the tables (TMDb mode fills them through details views and catalog:sync).
export const popularMovies = (
  deps: ListDeps,
  tmdb: TmdbClient | null,
  viewer: Viewer | null,
  p: Page,
): Promise<Served<MovieList>> => (tmdb ? tmdbMovieList(deps, tmdb, viewer, 'popular', p) : popular(deps, viewer, p));

export const comingSoonMovies = (
  deps: ListDeps,
  tmdb: TmdbClient | null,
  viewer: Viewer | null,
  p: Page,
): Promise<Served<MovieList>> =>
  tmdb ? tmdbMovieList(deps, tmdb, viewer, 'upcoming', p) : comingSoon(deps, viewer, p);

export const searchMovieList = (
  deps: ListDeps,
  tmdb: TmdbClient | null,
  viewer: Viewer | null,
  q: string,
  p: Page,
): Promise<Served<MovieList>> =>
  tmdb ? tmdbMovieList(deps, tmdb, viewer, 'search', p, q) : searchMovies(deps, viewer, q, p);

/** A title's details; a bare number is the movie, or the series with that number when no movie has it. */
export async function getDetails(
  deps: ListDeps,
  tmdb: TmdbClient | null,
  viewer: Viewer | null,
  rawId: string,
  field: 'movie' | 'content',
): Promise<Served<Record<string, Details>>> {
  const series = bareSeriesId(rawId);
  if (!series) return detailsOf(deps, tmdb, viewer, rawId, field);
  try {
    return await detailsOf(deps, tmdb, viewer, rawId, field);
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
    return detailsOf(deps, tmdb, viewer, series, field);
  }
}

async function detailsOf(
  deps: ListDeps,
  tmdb: TmdbClient | null,
  viewer: Viewer | null,
  rawId: string,
  field: 'movie' | 'content',
): Promise<Served<Record<string, Details>>> {
  const parsed = parseContentId(rawId);
  const load =
    tmdb && parsed.kind
      ? (_id: string, level: number) => loadTmdbDetails(deps.em, tmdb, parsed, level)
      : (id: string, level: number) => loadLocalDetails(deps.em, id, level);
  return titleDetails(deps, viewer, parsed.id, load, field);
}
