// Minimal shape checks on TMDb bodies: only what the catalog relies on, so that an upstream change or a
// proxy's error page counts as a failure instead of leaking undefined values into responses.
import type { Validator } from './http.ts';
import type { TmdbGenre, TmdbMovieDetails, TmdbPage, TmdbSeasonDetails, TmdbTvDetails } from './types.ts';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const hasId = (v: unknown): boolean => isObj(v) && isNum(v.id);

export function pageOf<T>(): Validator<TmdbPage<T>> {
  return (body) =>
    isObj(body) &&
    isNum(body.page) &&
    isNum(body.total_pages) &&
    isNum(body.total_results) &&
    Array.isArray(body.results) &&
    body.results.every(hasId)
      ? (body as unknown as TmdbPage<T>)
      : null;
}

/** search/multi and trending/all: every result also says what it is. */
export function multiPage<T>(): Validator<TmdbPage<T>> {
  const page = pageOf<T>();
  return (body) => {
    const p = page(body);
    return p && (p.results as unknown[]).every((r) => isStr((r as Obj).media_type)) ? p : null;
  };
}

export const movieDetails: Validator<TmdbMovieDetails> = (body) =>
  isObj(body) && isNum(body.id) && isStr(body.title) && Array.isArray(body.genres)
    ? (body as unknown as TmdbMovieDetails)
    : null;

export const tvDetails: Validator<TmdbTvDetails> = (body) =>
  isObj(body) && isNum(body.id) && isStr(body.name) && Array.isArray(body.genres) && Array.isArray(body.seasons)
    ? (body as unknown as TmdbTvDetails)
    : null;

export const seasonDetails: Validator<TmdbSeasonDetails> = (body) =>
  isObj(body) && isNum(body.season_number) && Array.isArray(body.episodes) && body.episodes.every(hasId)
    ? (body as unknown as TmdbSeasonDetails)
    : null;

export const genreList: Validator<{ genres: TmdbGenre[] }> = (body) =>
  isObj(body) && Array.isArray(body.genres) && body.genres.every((g) => isObj(g) && isNum(g.id) && isStr(g.name))
    ? (body as { genres: TmdbGenre[] })
    : null;
