// Content ids: opaque strings that never collide. Movies `m<tmdb id>`, series `s<tmdb id>`, local originals
// `o<8..32 chars>`. A bare number is read as a TMDb movie id (seed 003 clients send "19404"), and as the
// series with that TMDb id when no movie has it (seed 003's example series is "119051"): see bareSeriesId.
import { AppError } from '../errors.ts';

export type Kind = 'movie' | 'series';

/** The accepted spellings, for route schemas (the docs show them; the validator rejects the rest). */
export const CONTENT_ID_PATTERN = '^([ms][0-9]{1,9}|o[A-Za-z0-9_-]{8,32}|[0-9]{1,9})$';
const ID = new RegExp(CONTENT_ID_PATTERN);

export const movieId = (tmdbId: number): string => `m${tmdbId}`;
export const seriesId = (tmdbId: number): string => `s${tmdbId}`;
export const tmdbContentId = (kind: Kind, tmdbId: number): string =>
  kind === 'movie' ? movieId(tmdbId) : seriesId(tmdbId);

export interface ParsedId {
  id: string;
  /** Set for TMDb-backed ids (m/s); local originals have none. */
  kind: Kind | null;
  tmdbId: number | null;
}

/** Normalises a client-sent id; malformed → 400 INVALID_REQUEST. */
export function parseContentId(raw: string): ParsedId {
  if (!ID.test(raw)) throw new AppError('INVALID_REQUEST', 'Malformed content id', { id: raw });
  if (/^[0-9]/.test(raw)) return { id: movieId(Number(raw)), kind: 'movie', tmdbId: Number(raw) };
  if (raw[0] === 'o') return { id: raw, kind: null, tmdbId: null };
  const tmdbId = Number(raw.slice(1));
  return { id: raw[0] + String(tmdbId), kind: raw[0] === 'm' ? 'movie' : 'series', tmdbId };
}

/** For a bare number, the series id to try when no movie has that number; null for any other spelling. */
export const bareSeriesId = (raw: string): string | null => (/^[0-9]+$/.test(raw) ? seriesId(Number(raw)) : null);
