// Read side of the admin content API: the full admin view of a title (including soft-deleted ones, with
// raw fields and source), its seasons and episodes, and the paged admin listing.
import type { Static } from '@sinclair/typebox';
import { allCredits } from '../../repositories/credits.ts';
import {
  type EpisodeRow,
  findEpisode,
  findSeason,
  liveEpisodes,
  liveSeasons,
  type SeasonRow,
} from '../../repositories/episodes.ts';
import { genresOf } from '../../repositories/titles.ts';
import { findTitle, listTitles, type SummaryRow } from '../../repositories/titles-admin.ts';
import type {
  AdminContent,
  AdminContentSummary,
  AdminEpisode,
  AdminSeason,
  ListQuery as AdminListQuery,
} from '../../schemas/admin-content.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { imageUrl } from './admin-store.ts';

export type EpisodeView = Static<typeof AdminEpisode>;
export type SeasonView = Static<typeof AdminSeason>;
export type ContentSummary = Static<typeof AdminContentSummary>;
export type ContentView = Static<typeof AdminContent>;
export type ListQuery = Static<typeof AdminListQuery>;

function summary(row: SummaryRow): ContentSummary {
  return {
    id: row.id,
    type: row.kind,
    source: row.source,
    title: row.title,
    release_date: row.release_date,
    certification: row.certification,
    maturity_level: row.maturity_level,
    popularity: row.popularity,
    season_count: row.season_count,
    episode_count: row.episode_count,
    created_at: row.created_at,
    updated_at: row.updated_at,
    deleted_at: row.deleted_at,
  };
}

export function episodeView(row: EpisodeRow): EpisodeView {
  return {
    id: row.id,
    season_number: row.season_number,
    episode_number: row.episode_number,
    name: row.name,
    overview: row.overview,
    air_date: row.air_date,
    runtime: row.runtime,
    still_url: imageUrl(row.still_path),
    updated_at: row.updated_at,
  };
}

export function seasonView(row: SeasonRow): SeasonView {
  return {
    id: row.id,
    season_number: row.season_number,
    name: row.name,
    overview: row.overview,
    air_date: row.air_date,
    poster_url: imageUrl(row.poster_path),
    episode_count: row.episode_count,
    updated_at: row.updated_at,
  };
}

export async function getSeason(em: Em, titleId: string, seasonNumber: number): Promise<SeasonView> {
  const season = await findSeason(em, titleId, seasonNumber);
  if (!season || season.deleted_at !== null) throw new AppError('NOT_FOUND', 'Season not found');
  const episodes = await liveEpisodes(em, titleId, seasonNumber);
  return { ...seasonView(season), episodes: episodes.map(episodeView) };
}

export async function getEpisode(
  em: Em,
  titleId: string,
  seasonNumber: number,
  episodeNumber: number,
): Promise<EpisodeView> {
  const episode = await findEpisode(em, titleId, seasonNumber, episodeNumber);
  if (!episode || episode.deleted_at !== null) throw new AppError('NOT_FOUND', 'Episode not found');
  return episodeView(episode);
}

export async function getContentView(em: Em, id: string): Promise<ContentView> {
  const row = await findTitle(em, id);
  if (!row) throw new AppError('NOT_FOUND', 'Content not found');
  const [genres, credits, seasons] = await Promise.all([
    genresOf(em, row.genre_ids),
    allCredits(em, id),
    row.kind === 'series' ? seasonsWithEpisodes(em, id) : [],
  ]);
  return {
    ...summary(row),
    tmdb_id: row.tmdb_id,
    original_title: row.original_title,
    original_language: row.original_language,
    overview: row.overview,
    runtime: row.runtime,
    genre_ids: row.genre_ids,
    genres,
    poster_url: imageUrl(row.poster_path),
    backdrop_url: imageUrl(row.backdrop_path),
    homepage: row.homepage,
    vote_average: row.vote_average,
    vote_count: row.vote_count,
    cast: credits.filter((c) => c.role === 'cast').map((c) => ({ id: c.id, name: c.name, character: c.character })),
    directors: credits.filter((c) => c.role === 'director').map((c) => ({ id: c.id, name: c.name })),
    seasons,
  };
}

async function seasonsWithEpisodes(em: Em, titleId: string): Promise<SeasonView[]> {
  const [seasons, episodes] = await Promise.all([liveSeasons(em, titleId), liveEpisodes(em, titleId)]);
  return seasons.map((s) => ({
    ...seasonView(s),
    episodes: episodes.filter((e) => e.season_number === s.season_number).map(episodeView),
  }));
}

/** Newest changes first; `q` matches part of the title. */
export async function listContent(em: Em, query: ListQuery): Promise<{ items: ContentSummary[]; total: number }> {
  const { rows, total } = await listTitles(em, {
    page: query.page,
    limit: query.limit,
    q: query.q,
    kind: query.type,
    source: query.source,
    includeDeleted: query.include_deleted,
  });
  return { items: rows.map(summary), total };
}
