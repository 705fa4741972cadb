// A local TMDb v3 look-alike on 127.0.0.1 for tests: serves the fixture catalog under /3, checks the
// bearer token, counts requests, and misbehaves on demand (429/5xx, garbage bodies, slow answers).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TmdbMovieDetails, TmdbTvDetails } from '../../services/tmdb/types.ts';
import { createTmdbFixtures, type MediaRef, type TmdbFixtures } from './tmdb-fixtures.ts';

export * from './tmdb-fixtures.ts';

/** How the next request(s) should go wrong; `path` limits it to one pathname (e.g. "/movie/popular"). */
export interface FailMode {
  status?: number;
  /** Retry-After header value: seconds, or an HTTP date string. */
  retryAfter?: number | string;
  /** 200 with a body that is not JSON. */
  garbage?: boolean;
  /** 200 with JSON of the wrong shape. */
  wrongShape?: boolean;
  /** Waits this long before answering (normally, unless combined with another mode). */
  delayMs?: number;
  path?: string;
}

export interface TmdbServerOptions {
  token: string;
  fixtures?: TmdbFixtures;
  pageSize?: number;
}

const ERRORS: Record<number, { status_code: number; status_message: string }> = {
  400: {
    status_code: 22,
    status_message: 'Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.',
  },
  401: { status_code: 7, status_message: 'Invalid API key: You must be granted a valid key.' },
  404: { status_code: 34, status_message: 'The resource you requested could not be found.' },
  429: { status_code: 25, status_message: 'Your request count (41) is over the allowed limit of (40).' },
  500: { status_code: 11, status_message: 'Internal error: Something went wrong, contact TMDb.' },
  503: { status_code: 9, status_message: 'Service offline: This service is temporarily offline, try again later.' },
};

const errorBody = (status: number) => ({ ...(ERRORS[status] ?? ERRORS[500]!), success: false });

export function movieSummary(m: TmdbMovieDetails) {
  const { credits, reviews, recommendations, release_dates, genres, runtime, homepage, status, tagline, ...rest } = m;
  return { ...rest, genre_ids: genres.map((g) => g.id) };
}

export function tvSummary(s: TmdbTvDetails) {
  const {
    credits,
    reviews,
    recommendations,
    content_ratings,
    genres,
    episode_run_time,
    homepage,
    networks,
    seasons,
    number_of_seasons,
    number_of_episodes,
    status,
    tagline,
    ...rest
  } = s;
  return { ...rest, genre_ids: genres.map((g) => g.id) };
}

export async function startTmdbServer(options: TmdbServerOptions) {
  const fixtures = options.fixtures ?? createTmdbFixtures();
  const pageSize = options.pageSize ?? 20;
  const hits = new Map<string, number>();
  const requests: string[] = [];
  let queue: FailMode[] = [];
  let always: FailMode | null = null;
  let inFlight = 0;
  let peak = 0;
  const timers = new Set<NodeJS.Timeout>();

  const movie = (id: number) => fixtures.movies.find((m) => m.id === id);
  const series = (id: number) => fixtures.tv.find((s) => s.id === id);
  const paginate = <T>(items: T[], page: number) => ({
    page,
    results: items.slice((page - 1) * pageSize, page * pageSize),
    total_pages: Math.ceil(items.length / pageSize),
    total_results: items.length,
  });
  const ref = (r: MediaRef) => {
    if (r.media_type === 'movie') {
      const m = movie(r.id);
      return m && { ...movieSummary(m), media_type: 'movie' as const };
    }
    const s = series(r.id);
    return s && { ...tvSummary(s), media_type: 'tv' as const };
  };
  const refs = (list: MediaRef[]) => list.map(ref).filter((x) => x !== undefined);
  const movies = (ids: number[]) =>
    refs(ids.map((id) => ({ media_type: 'movie', id }))).map(({ media_type, ...m }) => m);

  /** Details with only the appended parts that were asked for, as TMDb does. */
  function withAppends<T extends TmdbMovieDetails | TmdbTvDetails>(item: T, appends: string[], related: object[]) {
    const out: Record<string, unknown> = { ...item };
    for (const part of ['credits', 'reviews', 'release_dates', 'content_ratings', 'recommendations']) {
      if (!appends.includes(part)) delete out[part];
    }
    if (appends.includes('recommendations'))
      out.recommendations = { page: 1, results: related, total_pages: 1, total_results: related.length };
    return out;
  }

  function route(path: string, q: URLSearchParams): [number, unknown] {
    const page = Number(q.get('page') ?? '1');
    if (!Number.isInteger(page) || page < 1 || page > 500) return [400, errorBody(400)];
    const appends = (q.get('append_to_response') ?? '').split(',').filter(Boolean);
    let m: RegExpMatchArray | null;
    switch (path) {
      case '/movie/popular':
        return [200, paginate(movies(fixtures.lists.popular), page)];
      case '/movie/upcoming':
        return [
          200,
          {
            ...paginate(movies(fixtures.lists.upcoming), page),
            dates: { minimum: '2030-01-01', maximum: '2030-12-31' },
          },
        ];
      case '/movie/top_rated':
        return [200, paginate(movies(fixtures.lists.topRated), page)];
      case '/tv/popular':
        return [
          200,
          paginate(
            fixtures.lists.popularTv
              .map(series)
              .filter((s) => s !== undefined)
              .map(tvSummary),
            page,
          ),
        ];
      case '/trending/all/day':
        return [200, paginate(refs(fixtures.lists.trendingDay), page)];
      case '/trending/all/week':
        return [200, paginate(refs(fixtures.lists.trendingWeek), page)];
      case '/genre/movie/list':
        return [200, { genres: fixtures.movieGenres }];
      case '/genre/tv/list':
        return [200, { genres: fixtures.tvGenres }];
      case '/search/multi': {
        const needle = (q.get('query') ?? '').trim().toLowerCase();
        if (!needle) return [200, paginate([], page)];
        const found = [
          ...fixtures.movies
            .filter((x) => x.title.toLowerCase().includes(needle))
            .map((x) => ({ ...movieSummary(x), media_type: 'movie' })),
          ...fixtures.tv
            .filter((x) => x.name.toLowerCase().includes(needle))
            .map((x) => ({ ...tvSummary(x), media_type: 'tv' })),
          ...fixtures.people.filter((x) => x.name.toLowerCase().includes(needle)),
        ].sort((a, b) => b.popularity - a.popularity);
        return [200, paginate(found, page)];
      }
    }
    if ((m = path.match(/^\/movie\/(\d+)$/))) {
      const item = movie(Number(m[1]));
      if (!item) return [404, errorBody(404)];
      const first = item.genres[0]?.id;
      const related = fixtures.movies
        .filter((x) => x.id !== item.id && x.genres.some((g) => g.id === first))
        .slice(0, 6)
        .map(movieSummary);
      return [200, withAppends(item, appends, related)];
    }
    if ((m = path.match(/^\/tv\/(\d+)$/))) {
      const item = series(Number(m[1]));
      if (!item) return [404, errorBody(404)];
      const first = item.genres[0]?.id;
      const related = fixtures.tv
        .filter((x) => x.id !== item.id && x.genres.some((g) => g.id === first))
        .slice(0, 6)
        .map(tvSummary);
      return [200, withAppends(item, appends, related)];
    }
    if ((m = path.match(/^\/tv\/(\d+)\/season\/(\d+)$/))) {
      const season = fixtures.seasons[`${m[1]}/${Number(m[2])}`];
      return season ? [200, season] : [404, errorBody(404)];
    }
    return [404, errorBody(404)];
  }

  const nextFailure = (path: string): FailMode | null => {
    const index = queue.findIndex((f) => !f.path || f.path === path);
    if (index >= 0) return queue.splice(index, 1)[0]!;
    return always && (!always.path || always.path === path) ? always : null;
  };

  function respond(
    res: ServerResponse,
    status: number,
    body: unknown,
    raw?: string,
    headers: Record<string, string> = {},
  ) {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
    res.end(raw ?? JSON.stringify(body));
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/^\/3(?=\/)/, '');
    requests.push(path + url.search);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.on('close', () => inFlight--);

    if (req.headers.authorization !== `Bearer ${options.token}`) return respond(res, 401, errorBody(401));
    const failure = nextFailure(path);
    const answer = () => {
      if (failure?.garbage) return respond(res, 200, null, '<html><body>Bad gateway</body></html>{"page":');
      if (failure?.wrongShape) return respond(res, 200, { hello: 'world', results: 'none' });
      if (failure?.status) {
        const headers: Record<string, string> =
          failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
        return respond(res, failure.status, errorBody(failure.status), undefined, headers);
      }
      const [status, body] = route(path, url.searchParams);
      respond(res, status, body);
    };
    if (!failure?.delayMs) return answer();
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer();
    }, failure.delayMs);
    timers.add(timer);
  }

  const server = createServer(handle);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/3`,
    fixtures,
    /** Requests seen for a pathname without the /3 prefix (e.g. "/movie/popular"); all requests without one. */
    hits: (path?: string) => (path === undefined ? requests.length : (hits.get(path) ?? 0)),
    /** Every request seen, as pathname + query, in order. */
    requests,
    /** Most requests that were being handled at the same moment. */
    peakConcurrency: () => peak,
    inFlight: () => inFlight,
    failNext(n: number, mode: FailMode) {
      for (let i = 0; i < n; i++) queue.push(mode);
    },
    failAlways(mode: FailMode | null) {
      always = mode;
    },
    /** Back to a healthy server with zeroed counters. */
    reset() {
      queue = [];
      always = null;
      hits.clear();
      requests.length = 0;
      peak = inFlight;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type TmdbTestServer = Awaited<ReturnType<typeof startTmdbServer>>;
