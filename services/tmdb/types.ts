// Raw TMDb v3 shapes, limited to the fields the catalog reads, and the client's options and counters.
import type { Dispatcher } from 'undici';
import type { Cache } from '../cache/types.ts';

export interface TmdbGenre {
  id: number;
  name: string;
}

export interface TmdbPage<T> {
  page: number;
  total_pages: number;
  total_results: number;
  results: T[];
}

/** A movie as it appears in lists (popular, upcoming, recommendations). */
export interface TmdbMovieSummary {
  id: number;
  media_type?: 'movie';
  title: string;
  original_title?: string;
  original_language: string;
  overview: string;
  poster_path: string | null;
  backdrop_path: string | null;
  release_date: string;
  genre_ids: number[];
  popularity: number;
  vote_average: number;
  vote_count: number;
  adult?: boolean;
}

/** A series as it appears in lists. */
export interface TmdbTvSummary {
  id: number;
  media_type?: 'tv';
  name: string;
  original_name?: string;
  original_language: string;
  overview: string;
  poster_path: string | null;
  backdrop_path: string | null;
  first_air_date: string;
  genre_ids: number[];
  popularity: number;
  vote_average: number;
  vote_count: number;
}

export interface TmdbPersonSummary {
  id: number;
  media_type: 'person';
  name: string;
  profile_path: string | null;
  popularity: number;
}

/** trending/all and search/multi mix media types; media_type tells them apart. */
export type TmdbMultiResult =
  | (TmdbMovieSummary & { media_type: 'movie' })
  | (TmdbTvSummary & { media_type: 'tv' })
  | TmdbPersonSummary;

export interface TmdbCastMember {
  id: number;
  name: string;
  character: string;
  order: number;
  profile_path: string | null;
}

export interface TmdbCrewMember {
  id: number;
  name: string;
  job: string;
  department: string;
  profile_path: string | null;
}

export interface TmdbCredits {
  cast: TmdbCastMember[];
  crew: TmdbCrewMember[];
}

export interface TmdbReview {
  id: string;
  author: string;
  author_details: { name?: string; username?: string; avatar_path: string | null; rating: number | null };
  content: string;
  created_at: string;
}

export interface TmdbReleaseDates {
  results: Array<{
    iso_3166_1: string;
    release_dates: Array<{ certification: string; release_date: string; type: number }>;
  }>;
}

export interface TmdbContentRatings {
  results: Array<{ iso_3166_1: string; rating: string }>;
}

export interface TmdbMovieDetails extends Omit<TmdbMovieSummary, 'genre_ids' | 'media_type'> {
  runtime: number | null;
  genres: TmdbGenre[];
  homepage: string | null;
  status?: string;
  tagline?: string;
  credits?: TmdbCredits;
  reviews?: TmdbPage<TmdbReview>;
  recommendations?: TmdbPage<TmdbMovieSummary>;
  release_dates?: TmdbReleaseDates;
}

export interface TmdbNetwork {
  id: number;
  name: string;
  logo_path: string | null;
  origin_country?: string;
}

export interface TmdbEpisode {
  id: number;
  name: string;
  overview: string;
  air_date: string | null;
  episode_number: number;
  season_number: number;
  runtime: number | null;
  still_path: string | null;
  vote_average: number;
}

/** A season as listed inside the series details (no episodes). */
export interface TmdbSeasonSummary {
  id: number;
  name: string;
  overview: string;
  air_date: string | null;
  season_number: number;
  episode_count: number;
  poster_path: string | null;
}

export interface TmdbSeasonDetails extends Omit<TmdbSeasonSummary, 'episode_count'> {
  episodes: TmdbEpisode[];
}

export interface TmdbTvDetails extends Omit<TmdbTvSummary, 'genre_ids' | 'media_type'> {
  episode_run_time: number[];
  genres: TmdbGenre[];
  homepage: string | null;
  networks: TmdbNetwork[];
  number_of_seasons: number;
  number_of_episodes: number;
  seasons: TmdbSeasonSummary[];
  status?: string;
  tagline?: string;
  credits?: TmdbCredits;
  reviews?: TmdbPage<TmdbReview>;
  recommendations?: TmdbPage<TmdbTvSummary>;
  content_ratings?: TmdbContentRatings;
}

/** TMDb's error body, e.g. { status_code: 34, status_message: "...", success: false }. */
export interface TmdbErrorBody {
  status_code: number;
  status_message: string;
  success: false;
}

export interface TmdbLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

export interface TmdbClientOptions {
  /** e.g. https://api.themoviedb.org/3 */
  baseUrl: string;
  /** The v4 read access token, sent as a bearer token. */
  accessToken: string;
  cache: Cache;
  /** Per attempt, covering headers and body. Default 4000. */
  timeoutMs?: number;
  /** Upstream requests in flight at once. Default 8. */
  maxConcurrent?: number;
  /** Callers allowed to wait for a slot; beyond that a call fails at once. Default 1000. */
  maxQueue?: number;
  /** Extra attempts after the first on 429, 5xx, timeouts and network errors. Default 2. */
  retries?: number;
  /** First backoff step; doubles per attempt, with full jitter. Default 250. */
  retryBaseMs?: number;
  /** Upper bound on any single wait, including a server's Retry-After. Default 5000. */
  retryMaxMs?: number;
  breaker?: { failureThreshold?: number; cooldownMs?: number };
  /** Freshness per kind, in seconds. */
  ttl?: { list?: number; details?: number; genres?: number };
  /** A copy may be served (and revalidated in the background) until it is ttl * staleFactor old. Default 10. */
  staleFactor?: number;
  /** ISO 639-1 (optionally with region), sent as ?language=. */
  language?: string;
  logger?: TmdbLogger;
  /** Wall clock in ms, for freshness and the breaker's cooldown. */
  now?: () => number;
  /** Replaces the pooled connection the client would otherwise open to baseUrl's origin. */
  dispatcher?: Dispatcher;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface TmdbStats {
  /** Upstream HTTP attempts, retries included. */
  upstreamCalls: number;
  upstreamFailures: number;
  retries: number;
  cacheHits: number;
  cacheMisses: number;
  staleServed: number;
  backgroundRefreshes: number;
  breakerState: BreakerState;
  breakerOpens: number;
  inFlight: number;
  queued: number;
}
