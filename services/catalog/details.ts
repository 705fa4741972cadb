// One title in the seed 003 MOVIE_DETAILS shape (series with seasons and episodes, cast, reviews,
// same-genre recommendations), from the local tables, cached per maturity level; flags and the live vote
// counts (votes.ts) per request.
import type { Static } from '@sinclair/typebox';
import { billedCredits, type CreditRow } from '../../repositories/credits.ts';
import { type EpisodeRow, liveEpisodes, liveSeasons, type SeasonRow } from '../../repositories/episodes.ts';
import { titleReviews } from '../../repositories/reviews.ts';
import { findDetailsRow, sameGenreCards, toIso, voteCounts } from '../../repositories/titles.ts';
import type { Episode as EpisodeSchema, MovieDetails, Season as SeasonSchema } from '../../schemas/movies.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { Viewer } from '../deps.ts';
import { NO_FLAGS, personalFlags } from './flags.ts';
import { maturityLevel } from './maturity.ts';
import { genreList, image, round, toCard, type Card } from './cards.ts';
import { cachedRead, detailsKey, entryForm, TTL } from './cache.ts';
import { liveVotes } from './votes.ts';
import { levelOf, type ListDeps, type Served } from './lists.ts';

export type Episode = Static<typeof EpisodeSchema>;
export type Season = Static<typeof SeasonSchema>;
/** MOVIE_DETAILS; its recommendations are cards (the schema refers to MovieCard by $ref). */
export type Details = Omit<Static<typeof MovieDetails>, 'recommendations'> & { recommendations: Card[] };

const languages = new Intl.DisplayNames(['en'], { type: 'language' });

export function languageName(code: string | null): string | null {
  if (!code) return null;
  try {
    return languages.of(code) ?? code;
  } catch {
    return code;
  }
}

export const toEpisode = (e: EpisodeRow): Episode => ({
  id: e.id,
  name: e.name,
  overview: e.overview ?? '',
  air_date: e.air_date,
  episode_number: e.episode_number,
  runtime: e.runtime,
  season_number: e.season_number,
  still_path: image(e.still_path),
  vote_average: round(e.vote_average),
});

export const toSeason = (s: SeasonRow, episodes: Episode[]): Season => ({
  id: s.id,
  air_date: s.air_date,
  episode_count: s.episode_count,
  name: s.name,
  overview: s.overview ?? '',
  poster_path: image(s.poster_path),
  season_number: s.season_number,
  vote_average: round(s.vote_average),
  episodes,
});

export type CastMember = Details['cast'][number];

export const toCastMember = (c: CreditRow): CastMember => ({
  id: c.id,
  name: c.name,
  profile_path: image(c.profile_path, 'w128_and_h128_face'),
  character: c.character,
  order: c.ord,
});

/** Reads the details from the local tables; null when the title does not exist (or is deleted). */
export async function loadLocalDetails(em: Em, id: string, level: number): Promise<Details | null> {
  const t = await findDetailsRow(em, id);
  if (!t) return null;
  const series = t.kind === 'series';
  const [seasons, episodes, credits, recs, votes, reviews] = await Promise.all([
    series ? liveSeasons(em, id) : [],
    series ? liveEpisodes(em, id) : [],
    billedCredits(em, id),
    sameGenreCards(em, id, t.genre_ids, level),
    voteCounts(em, id),
    titleReviews(em, id),
  ]);
  const episodesOf = new Map<number, Episode[]>();
  for (const e of episodes) {
    const list = episodesOf.get(e.season_number) ?? [];
    list.push(toEpisode(e));
    episodesOf.set(e.season_number, list);
  }
  const card = toCard(t);
  return {
    id: t.id,
    is_series: t.kind === 'series',
    title: t.title,
    original_title: t.original_title,
    language: languageName(t.original_language),
    original_language: t.original_language,
    release_date: card.release_date,
    rating: card.rating,
    vote_count: t.vote_count,
    runtime: t.kind === 'series' ? null : t.runtime,
    certification: t.certification,
    network: t.network,
    network_logo: image(t.network_logo_path),
    backdrop_url: image(t.backdrop_path, 'w1280'),
    poster_url: image(t.poster_path),
    genres: genreList(t.genre_ids),
    synopsis: card.synopsis,
    homepage: t.homepage,
    directors: credits.filter((c) => c.role === 'director').map((c) => c.name),
    seasons: seasons.map((s) => toSeason(s, episodesOf.get(s.season_number) ?? [])),
    cast: credits
      .filter((c) => c.role === 'cast')
      .slice(0, 30)
      .map(toCastMember),
    reviews: reviews.map((r) => ({
      id: r.id,
      author: r.author,
      avatar: image(r.avatar_path, 'w64_and_h64_face'),
      rating: r.rating,
      content: r.content,
      created_at: toIso(r.created_at),
    })),
    recommendations: recs.map(toCard),
    upvotes: votes.up,
    downvotes: votes.down,
    ...NO_FLAGS,
  };
}

export type DetailsLoader = (id: string, level: number) => Promise<Details | null>;

/**
 * The title for this viewer: 404 when unknown, 403 CONTENT_RESTRICTED above the viewer's ceiling.
 * `load` reads the details (the local tables, or TMDb read through into them in TMDb mode).
 */
export async function titleDetails(
  deps: ListDeps,
  viewer: Viewer | null,
  id: string,
  load: DetailsLoader,
  field: 'movie' | 'content' = 'movie',
): Promise<Served<Record<string, Details>>> {
  const level = levelOf(viewer);
  const entry = await cachedRead(deps.cache, detailsKey(id, level), TTL.details, async () => {
    const movie = await load(id, level);
    if (!movie) throw new AppError('NOT_FOUND', 'Content not found');
    return { movie };
  });
  if (maturityLevel(entry.data.movie.certification) > level) {
    throw new AppError('CONTENT_RESTRICTED', 'This title is above the maturity rating of this profile', {
      certification: entry.data.movie.certification,
    });
  }
  const votes = await liveVotes(deps, entry.data.movie.id);
  if (!viewer) {
    // The cached JSON stops before the counts; the live counts close it.
    const head = entryForm(entry, field, (d) => {
      const { upvotes: _u, downvotes: _d, ...rest } = d.movie;
      return `{"success":true,"data":{"${field}":${JSON.stringify(rest).slice(0, -1)}`;
    });
    return { json: `${head},"upvotes":${votes.upvotes},"downvotes":${votes.downvotes}}}}` };
  }
  const movie = entry.data.movie;
  const flags = await personalFlags(deps.em, viewer.profileId, [movie.id, ...movie.recommendations.map((r) => r.id)]);
  return {
    data: {
      [field]: {
        ...movie,
        ...votes,
        ...(flags.get(movie.id) ?? NO_FLAGS),
        recommendations: movie.recommendations.map((r) => ({ ...r, ...(flags.get(r.id) ?? NO_FLAGS) })),
      },
    },
  };
}
