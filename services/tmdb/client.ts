// The TMDb v3 client the catalog uses: one method per upstream resource, each cached with
// stale-while-revalidate, behind retries and a circuit breaker. Framework-free; errors are AppErrors.
import { AppError, notFound } from '../errors.ts';
import { createBreaker } from './breaker.ts';
import { createTmdbHttp, UpstreamError, type Validator } from './http.ts';
import { createSwr } from './swr.ts';
import * as shape from './validate.ts';
import type {
  TmdbClientOptions,
  TmdbGenre,
  TmdbMovieDetails,
  TmdbMovieSummary,
  TmdbMultiResult,
  TmdbPage,
  TmdbSeasonDetails,
  TmdbStats,
  TmdbTvDetails,
  TmdbTvSummary,
} from './types.ts';

export type CacheKind = 'list' | 'details' | 'genres';

export interface TmdbClient {
  popularMovies(page?: number): Promise<TmdbPage<TmdbMovieSummary>>;
  upcomingMovies(page?: number): Promise<TmdbPage<TmdbMovieSummary>>;
  topRatedMovies(page?: number): Promise<TmdbPage<TmdbMovieSummary>>;
  popularTv(page?: number): Promise<TmdbPage<TmdbTvSummary>>;
  trending(window: 'day' | 'week', page?: number): Promise<TmdbPage<TmdbMultiResult>>;
  searchMulti(query: string, page?: number): Promise<TmdbPage<TmdbMultiResult>>;
  movieDetails(id: number): Promise<TmdbMovieDetails>;
  tvDetails(id: number): Promise<TmdbTvDetails>;
  tvSeason(id: number, seasonNumber: number): Promise<TmdbSeasonDetails>;
  movieGenres(): Promise<TmdbGenre[]>;
  tvGenres(): Promise<TmdbGenre[]>;
  stats(): TmdbStats;
  /** Closes the connection pool the client opened (never the cache, which the caller owns). */
  close(): Promise<void>;
}

export const TMDB_IMAGE_BASE = 'https://image.tmdb.org/t/p/';

/** Public image URL for a TMDb file path (e.g. "/abc.jpg"), or null when TMDb has no image. */
export function imageUrl(path: string | null | undefined, size = 'w500'): string | null {
  if (!path) return null;
  return `${TMDB_IMAGE_BASE}${size}${path.startsWith('/') ? path : `/${path}`}`;
}

// TMDb refuses pages beyond 500; checking here saves a round trip and keeps junk out of cache keys.
const MAX_PAGE = 500;

function checkPage(page: number): number {
  if (!Number.isInteger(page) || page < 1 || page > MAX_PAGE) {
    throw new AppError('INVALID_REQUEST', `page must be an integer between 1 and ${MAX_PAGE}`);
  }
  return page;
}

function checkId(id: number, what: string): number {
  if (!Number.isInteger(id) || id < 0) throw new AppError('INVALID_REQUEST', `${what} must be a non-negative integer`);
  return id;
}

export function createTmdbClient(options: TmdbClientOptions): TmdbClient {
  const now = options.now ?? Date.now;
  const ttl = { list: 600, details: 86_400, genres: 604_800, ...options.ttl };
  const counters = {
    upstreamCalls: 0,
    upstreamFailures: 0,
    retries: 0,
    cacheHits: 0,
    cacheMisses: 0,
    staleServed: 0,
    backgroundRefreshes: 0,
  };
  const breaker = createBreaker({
    failureThreshold: options.breaker?.failureThreshold ?? 5,
    cooldownMs: options.breaker?.cooldownMs ?? 30_000,
    now,
    onChange: (state) =>
      options.logger?.[state === 'open' ? 'warn' : 'info']({ breaker: state }, `TMDb circuit breaker ${state}`),
  });
  const maxConcurrent = options.maxConcurrent ?? 8;
  const http = createTmdbHttp({
    baseUrl: options.baseUrl,
    accessToken: options.accessToken,
    timeoutMs: options.timeoutMs ?? 4000,
    maxConcurrent,
    maxQueue: options.maxQueue ?? 1000,
    retries: options.retries ?? 2,
    retryBaseMs: options.retryBaseMs ?? 250,
    retryMaxMs: options.retryMaxMs ?? 5000,
    breaker,
    counters,
    dispatcher: options.dispatcher,
    logger: options.logger,
  });
  const swr = createSwr({
    cache: options.cache,
    now,
    staleFactor: options.staleFactor ?? 10,
    counters,
    canServeStale: (err) => !(err instanceof UpstreamError && err.kind === 'not_found'),
    logger: options.logger,
  });

  /** Path plus a query in a fixed order, so that equal requests share one cache key. */
  const target = (path: string, params: Record<string, string | number> = {}) => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) query.set(k, String(v));
    if (options.language) query.set('language', options.language);
    const qs = query.toString();
    return qs ? `${path}?${qs}` : path;
  };

  async function load<T>(kind: CacheKind, pathAndQuery: string, validate: Validator<T>, what: string): Promise<T> {
    try {
      return await swr.get(`tmdb:${kind}:${pathAndQuery}`, ttl[kind], () => http.getJson(pathAndQuery, validate));
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof UpstreamError && err.kind === 'not_found') throw notFound(what);
      throw new AppError('SERVICE_UNAVAILABLE', 'The catalog provider is unavailable');
    }
  }

  const list = async <T>(path: string, page: number, validate: Validator<TmdbPage<T>> = shape.pageOf<T>()) =>
    load('list', target(path, { page: checkPage(page) }), validate, 'Page');

  return {
    popularMovies: (page = 1) => list('/movie/popular', page),
    upcomingMovies: (page = 1) => list('/movie/upcoming', page),
    topRatedMovies: (page = 1) => list('/movie/top_rated', page),
    popularTv: (page = 1) => list('/tv/popular', page),
    async trending(window, page = 1) {
      if (window !== 'day' && window !== 'week') throw new AppError('INVALID_REQUEST', 'window must be day or week');
      return list(`/trending/all/${window}`, page, shape.multiPage<TmdbMultiResult>());
    },
    async searchMulti(query, page = 1) {
      checkPage(page);
      // TMDb's search is case-insensitive, so normalising widens cache hits without changing answers.
      const q = query.trim().replace(/\s+/g, ' ').toLowerCase();
      if (!q) return { page, total_pages: 0, total_results: 0, results: [] };
      const path = target('/search/multi', { query: q, page, include_adult: 'false' });
      return load('list', path, shape.multiPage<TmdbMultiResult>(), 'Page');
    },
    async movieDetails(id) {
      const path = target(`/movie/${checkId(id, 'id')}`, {
        append_to_response: 'credits,reviews,recommendations,release_dates',
      });
      return load('details', path, shape.movieDetails, 'Movie');
    },
    async tvDetails(id) {
      const path = target(`/tv/${checkId(id, 'id')}`, {
        append_to_response: 'credits,reviews,recommendations,content_ratings',
      });
      return load('details', path, shape.tvDetails, 'Series');
    },
    async tvSeason(id, seasonNumber) {
      const path = target(`/tv/${checkId(id, 'id')}/season/${checkId(seasonNumber, 'season number')}`);
      return load('details', path, shape.seasonDetails, 'Season');
    },
    movieGenres: async () => (await load('genres', target('/genre/movie/list'), shape.genreList, 'Genres')).genres,
    tvGenres: async () => (await load('genres', target('/genre/tv/list'), shape.genreList, 'Genres')).genres,
    stats: () => ({
      ...counters,
      breakerState: breaker.state(),
      breakerOpens: breaker.opens(),
      inFlight: http.inFlight(),
      queued: http.queued(),
    }),
    close: () => http.close(),
  };
}
