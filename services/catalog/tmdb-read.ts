// TMDb mode: details fetched from TMDb (cached by the client) and read through into the catalog tables,
// then served from them (reviews included, so a stored title keeps them); TMDb's recommendations are laid
// over the local record.
import { detailsSyncedAt, syncedCertifications } from '../../repositories/titles.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { TmdbClient } from '../tmdb/client.ts';
import type {
  TmdbCredits,
  TmdbMovieDetails,
  TmdbMovieSummary,
  TmdbSeasonDetails,
  TmdbTvDetails,
  TmdbTvSummary,
} from '../tmdb/types.ts';
import { CERTIFICATIONS, maturityLevel } from './maturity.ts';
import { genreList, image, round, type Card } from './cards.ts';
import { loadLocalDetails, type Details } from './details.ts';
import { movieId, seriesId, type ParsedId } from './ids.ts';
import { NO_FLAGS } from './flags.ts';
import { upsertTitles, type CreditInput, type ReviewInput, type TitleInput } from './store.ts';

/** Details synced within this long are served from the tables without asking TMDb. */
const FRESH_MS = 24 * 3600 * 1000;
const KNOWN = new Set<string>(CERTIFICATIONS);

const usCert = (value: string | undefined): string => (value && KNOWN.has(value) ? value : 'NR');

export function movieCertification(d: TmdbMovieDetails): string {
  const us = d.release_dates?.results.find((r) => r.iso_3166_1 === 'US');
  return usCert(us?.release_dates.find((r) => r.certification)?.certification);
}

export const tvCertification = (d: TmdbTvDetails): string =>
  usCert(d.content_ratings?.results.find((r) => r.iso_3166_1 === 'US')?.rating);

function credits(c: TmdbCredits | undefined): CreditInput[] {
  if (!c) return [];
  const directors = c.crew.filter((m) => m.job === 'Director').slice(0, 5);
  return [
    ...directors.map(
      (m, i): CreditInput => ({
        person_id: `p${m.id}`,
        tmdb_id: m.id,
        name: m.name,
        profile_path: m.profile_path ?? null,
        role: 'director',
        character: null,
        ord: i,
      }),
    ),
    ...c.cast.slice(0, 30).map(
      (m): CreditInput => ({
        person_id: `p${m.id}`,
        tmdb_id: m.id,
        name: m.name,
        profile_path: m.profile_path,
        role: 'cast',
        character: m.character || null,
        ord: m.order,
      }),
    ),
  ];
}

const base = { source: 'tmdb' as const, details: true, popularity: 0, vote_average: 0, vote_count: 0 };

/** TMDb's reviews of a details answer, kept with the title (undefined when the answer carried none). */
function reviews(page: TmdbMovieDetails['reviews']): ReviewInput[] | undefined {
  if (!page) return undefined;
  return page.results.slice(0, 10).map((r) => ({
    id: r.id,
    author: r.author,
    avatar_path: r.author_details.avatar_path,
    rating: r.author_details.rating,
    content: r.content,
    created_at: new Date(r.created_at).toISOString(),
  }));
}

export function movieInput(d: TmdbMovieDetails): TitleInput {
  return {
    ...base,
    id: movieId(d.id),
    kind: 'movie',
    tmdb_id: d.id,
    title: d.title,
    original_title: d.original_title ?? d.title,
    original_language: d.original_language,
    overview: d.overview,
    release_date: d.release_date || null,
    runtime: d.runtime ?? null,
    certification: movieCertification(d),
    genre_ids: d.genres.map((g) => g.id),
    poster_path: d.poster_path,
    backdrop_path: d.backdrop_path,
    homepage: d.homepage || null,
    network: null,
    network_logo_path: null,
    popularity: d.popularity,
    vote_average: d.vote_average,
    vote_count: d.vote_count,
    season_count: null,
    episode_count: null,
    credits: credits(d.credits),
    reviews: reviews(d.reviews),
  };
}

export function seriesInput(d: TmdbTvDetails, seasons: TmdbSeasonDetails[]): TitleInput {
  const id = seriesId(d.id);
  const episodesBy = new Map(seasons.map((s) => [s.season_number, s.episodes]));
  return {
    ...base,
    id,
    kind: 'series',
    tmdb_id: d.id,
    title: d.name,
    original_title: d.original_name ?? d.name,
    original_language: d.original_language,
    overview: d.overview,
    release_date: d.first_air_date || null,
    runtime: d.episode_run_time[0] ?? null,
    certification: tvCertification(d),
    genre_ids: d.genres.map((g) => g.id),
    poster_path: d.poster_path,
    backdrop_path: d.backdrop_path,
    homepage: d.homepage || null,
    network: d.networks[0]?.name ?? null,
    network_logo_path: d.networks[0]?.logo_path ?? null,
    popularity: d.popularity,
    vote_average: d.vote_average,
    vote_count: d.vote_count,
    season_count: d.number_of_seasons,
    episode_count: d.number_of_episodes,
    credits: credits(d.credits),
    reviews: reviews(d.reviews),
    seasons: d.seasons.map((s) => ({
      id: `${id}-s${s.season_number}`,
      tmdb_id: s.id,
      season_number: s.season_number,
      name: s.name,
      overview: s.overview,
      air_date: s.air_date,
      poster_path: s.poster_path,
      vote_average: 0,
      episode_count: s.episode_count,
      episodes: (episodesBy.get(s.season_number) ?? []).map((e) => ({
        id: `${id}-s${s.season_number}e${e.episode_number}`,
        tmdb_id: e.id,
        season_number: s.season_number,
        episode_number: e.episode_number,
        name: e.name,
        overview: e.overview,
        air_date: e.air_date,
        runtime: e.runtime,
        still_path: e.still_path,
        vote_average: e.vote_average,
      })),
    })),
  };
}

/** A TMDb list entry as a title card; the certification is known only for titles already in the tables. */
export function summaryCard(
  s: (TmdbMovieSummary & { media_type?: 'movie' }) | (TmdbTvSummary & { media_type?: 'tv' }),
  certification = 'NR',
): Card {
  const isSeries = 'name' in s && !('title' in s);
  const tv = s as TmdbTvSummary;
  const movie = s as TmdbMovieSummary;
  return {
    id: isSeries ? seriesId(s.id) : movieId(s.id),
    title: isSeries ? tv.name : movie.title,
    poster: image(s.poster_path),
    backdrop: image(s.backdrop_path),
    synopsis: s.overview ?? '',
    release_date: (isSeries ? tv.first_air_date : movie.release_date) || null,
    duration: null,
    genres: genreList(s.genre_ids ?? []),
    rating: round(s.vote_average),
    is_series: isSeries,
    certification,
    ...NO_FLAGS,
  };
}

/** Certifications of the given ids where the tables know them (one query). */
export const knownCertifications = (em: Em, ids: string[]): Promise<Map<string, string>> =>
  syncedCertifications(em, ids);

/** Fetches one title from TMDb (with every season for a series) and writes it into the tables. */
export async function importFromTmdb(
  em: Em,
  tmdb: TmdbClient,
  id: ParsedId,
): Promise<TmdbMovieDetails | TmdbTvDetails> {
  if (id.kind === 'movie') {
    const d = await tmdb.movieDetails(id.tmdbId!);
    await em.transactional((tx) => upsertTitles(tx as Em, [movieInput(d)]));
    return d;
  }
  const d = await tmdb.tvDetails(id.tmdbId!);
  const seasons = await Promise.all(d.seasons.map((s) => tmdb.tvSeason(d.id, s.season_number).catch(() => null)));
  await em.transactional((tx) =>
    upsertTitles(tx as Em, [
      seriesInput(
        d,
        seasons.filter((s): s is TmdbSeasonDetails => s !== null),
      ),
    ]),
  );
  return d;
}

export async function loadTmdbDetails(em: Em, tmdb: TmdbClient, id: ParsedId, level: number): Promise<Details | null> {
  const syncedAt = (await detailsSyncedAt(em, id.id))?.getTime() ?? 0;
  let upstream: TmdbMovieDetails | TmdbTvDetails | null = null;
  if (Date.now() - syncedAt > FRESH_MS) {
    try {
      upstream = await importFromTmdb(em, tmdb, id);
    } catch (err) {
      // TMDb down (or rate limiting us): an older local copy is better than an error; without one, 503.
      if (!(err instanceof AppError) || err.code !== 'SERVICE_UNAVAILABLE' || syncedAt === 0) throw err;
    }
  }
  const details = await loadLocalDetails(em, id.id, level);
  if (!details || !upstream) return details;
  const recs = (upstream.recommendations?.results ?? []).slice(0, 10) as Array<TmdbMovieSummary | TmdbTvSummary>;
  const known = await knownCertifications(
    em,
    recs.map((r) => ('title' in r ? movieId(r.id) : seriesId(r.id))),
  );
  const cards = recs.map((r) => summaryCard(r, known.get('title' in r ? movieId(r.id) : seriesId(r.id))));
  return {
    ...details,
    recommendations:
      cards.length > 0 ? cards.filter((c) => maturityLevel(c.certification) <= level) : details.recommendations,
  };
}
