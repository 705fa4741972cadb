// TMDb mode lists: popular, upcoming (soonest first) and search pages from TMDb (cached by the client, stale served when
// TMDb fails) mapped to title cards. TMDb pages hold 20; a page/limit window may span up to 3 of them.
import type { TmdbClient } from '../tmdb/client.ts';
import type { TmdbMovieSummary, TmdbMultiResult, TmdbPage, TmdbTvSummary } from '../tmdb/types.ts';
import type { Viewer } from '../deps.ts';
import { maturityLevel } from './maturity.ts';
import { cachedRead, listKey } from './cache.ts';
import { knownCertifications, summaryCard } from './tmdb-read.ts';
import { movieId, seriesId } from './ids.ts';
import { levelOf, pageInfo, serve, today, type ListDeps, type MovieList, type Page, type Served } from './lists.ts';

const TMDB_PAGE = 20;
const TMDB_MAX_PAGES = 500;
// The client keeps the upstream answers (minutes, stale-while-revalidate); this only spares the mapping.
const MAPPED_TTL = 30;

type Summary = (TmdbMovieSummary & { media_type?: 'movie' }) | (TmdbTvSummary & { media_type?: 'tv' });
export type TmdbListKind = 'popular' | 'upcoming' | 'search';

async function window(fetch: (page: number) => Promise<TmdbPage<Summary | TmdbMultiResult>>, p: Page) {
  const start = (p.page - 1) * p.limit;
  const first = Math.floor(start / TMDB_PAGE) + 1;
  const last = Math.min(Math.floor((start + p.limit - 1) / TMDB_PAGE) + 1, TMDB_MAX_PAGES);
  if (first > TMDB_MAX_PAGES) return { items: [] as Summary[], total: TMDB_PAGE * TMDB_MAX_PAGES };
  const head = await fetch(first);
  const rest = await Promise.all(
    Array.from({ length: Math.min(last, head.total_pages) - first }, (_, i) => fetch(first + 1 + i)),
  );
  const items = [head, ...rest].flatMap((page) => page.results).filter((r): r is Summary => r.media_type !== 'person');
  return {
    items: items.slice(start - (first - 1) * TMDB_PAGE, start - (first - 1) * TMDB_PAGE + p.limit),
    total: Math.min(head.total_results, TMDB_PAGE * TMDB_MAX_PAGES),
  };
}

// TMDb's upcoming list is a few pages long and in popularity order: read it whole (up to this many pages)
// to serve it soonest-first.
const UPCOMING_PAGES = 10;

async function upcomingSoonestFirst(tmdb: TmdbClient, p: Page, day: string) {
  const head = await tmdb.upcomingMovies(1);
  const rest = await Promise.all(
    Array.from({ length: Math.min(head.total_pages, UPCOMING_PAGES) - 1 }, (_, i) => tmdb.upcomingMovies(i + 2)),
  );
  const seen = new Set<number>();
  const future = [head, ...rest]
    .flatMap((page) => page.results)
    .filter((m) => (m.release_date ?? '') > day && !seen.has(m.id) && seen.add(m.id))
    .sort((a, b) => (a.release_date < b.release_date ? -1 : a.release_date > b.release_date ? 1 : a.id - b.id));
  const start = (p.page - 1) * p.limit;
  return { items: future.slice(start, start + p.limit) as Summary[], total: future.length };
}

const idOf = (s: Summary): string => ('title' in s ? movieId(s.id) : seriesId(s.id));

/**
 * A TMDb list as MOVIE_LIST. Certifications come from titles already read into the tables; a title
 * never synced counts as unrated (adult), so a restricted viewer sees only titles known to be allowed.
 */
export async function tmdbMovieList(
  deps: ListDeps,
  tmdb: TmdbClient,
  viewer: Viewer | null,
  kind: TmdbListKind,
  p: Page,
  q = '',
): Promise<Served<MovieList>> {
  const level = levelOf(viewer);
  const day = today(deps.clock.now());
  const key = listKey(`tmdb-${kind}`, {
    l: level,
    p: p.page,
    n: p.limit,
    d: kind === 'upcoming' ? day : undefined,
    q: q ? q.trim().toLowerCase() : undefined,
  });
  const entry = await cachedRead(deps.cache, key, MAPPED_TTL, async () => {
    const fetch = kind === 'popular' ? (n: number) => tmdb.popularMovies(n) : (n: number) => tmdb.searchMulti(q, n);
    const { items, total } = kind === 'upcoming' ? await upcomingSoonestFirst(tmdb, p, day) : await window(fetch, p);
    const known = await knownCertifications(deps.em, items.map(idOf));
    const movies = items
      .map((s) => summaryCard(s, known.get(idOf(s))))
      .filter((c) => maturityLevel(c.certification) <= level && (kind !== 'upcoming' || (c.release_date ?? '') > day));
    return { movies, pagination: pageInfo(p, total) };
  });
  return serve(deps, viewer, entry, 'movies');
}
