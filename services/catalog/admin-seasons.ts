// Admin changes to the seasons and episodes of a series: create, replace, patch and soft delete, keeping
// seasons.episode_count and titles.season_count / episode_count right in the same transaction.
import {
  type EpisodeFields,
  findEpisode,
  findSeason,
  insertEpisodeRow,
  insertSeasonRow,
  type SeasonFields,
  softDeleteEpisode,
  softDeleteSeason,
  updateEpisode,
  updateSeason,
} from '../../repositories/episodes.ts';
import { touchTitle } from '../../repositories/titles-admin.ts';
import type { Actor, Deps } from '../deps.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type {
  EpisodeCreateInput,
  EpisodeEditInput,
  SeasonCreateInput,
  SeasonEditInput,
} from '../../schemas/admin-content.ts';
import { applyChange, lockSeries, newEpisodeId, newSeasonId, recount } from './admin-store.ts';
import { getEpisode, getSeason, type EpisodeView, type SeasonView } from './admin-view.ts';
import { notifyNewEpisode } from '../notifications/generators.ts';

const conflict = (message: string, field: string): AppError =>
  new AppError('CONFLICT', message, { fields: [{ field, in: 'body', message: 'is already taken' }] });

/** Duplicate season numbers (or episode numbers inside one season) in a single body are a conflict too. */
export function checkSeasonNumbers(seasons: ReadonlyArray<SeasonCreateInput>): void {
  const seen = new Set<number>();
  for (const [i, season] of seasons.entries()) {
    if (seen.has(season.season_number))
      throw conflict(`Season ${season.season_number} is listed twice`, `seasons.${i}.season_number`);
    seen.add(season.season_number);
    checkEpisodeNumbers(season.episodes ?? [], `seasons.${i}.`);
  }
}

function checkEpisodeNumbers(episodes: ReadonlyArray<EpisodeCreateInput>, prefix = ''): void {
  const seen = new Set<number>();
  for (const [i, episode] of episodes.entries()) {
    if (seen.has(episode.episode_number))
      throw conflict(`Episode ${episode.episode_number} is listed twice`, `${prefix}episodes.${i}.episode_number`);
    seen.add(episode.episode_number);
  }
}

/**
 * Inserts a season, or revives a soft-deleted one with the same number (the number is unique per title,
 * deleted or not), then its episodes. A live season with that number is a 409.
 */
export async function insertSeason(tx: Em, titleId: string, input: SeasonCreateInput): Promise<void> {
  const n = input.season_number;
  const fields = {
    name: input.name ?? (n === 0 ? 'Specials' : `Season ${n}`),
    overview: input.overview ?? null,
    air_date: input.air_date ?? null,
    poster_path: input.poster_url ?? null,
  };
  const existing = await findSeason(tx, titleId, n);
  if (existing && existing.deleted_at === null) throw conflict(`Season ${n} already exists`, 'season_number');
  if (existing) await updateSeason(tx, existing.id, fields, true);
  else await insertSeasonRow(tx, { id: newSeasonId(), title_id: titleId, season_number: n, ...fields });
  for (const episode of input.episodes ?? []) await insertEpisode(tx, titleId, n, episode);
}

async function insertEpisode(tx: Em, titleId: string, seasonNumber: number, input: EpisodeCreateInput): Promise<void> {
  const n = input.episode_number;
  const fields = {
    name: input.name ?? `Episode ${n}`,
    overview: input.overview ?? null,
    air_date: input.air_date ?? null,
    runtime: input.runtime ?? null,
    still_path: input.still_url ?? null,
  };
  const existing = await findEpisode(tx, titleId, seasonNumber, n);
  if (existing && existing.deleted_at === null)
    throw conflict(`Episode ${n} of season ${seasonNumber} already exists`, 'episode_number');
  if (existing) await updateEpisode(tx, existing.id, fields, true);
  else
    await insertEpisodeRow(tx, {
      id: newEpisodeId(),
      title_id: titleId,
      season_number: seasonNumber,
      episode_number: n,
      ...fields,
    });
}

async function requireSeason(tx: Em, titleId: string, seasonNumber: number): Promise<string> {
  const season = await findSeason(tx, titleId, seasonNumber);
  if (!season || season.deleted_at !== null) throw new AppError('NOT_FOUND', 'Season not found');
  return season.id;
}

async function requireEpisode(tx: Em, titleId: string, seasonNumber: number, episodeNumber: number): Promise<string> {
  await requireSeason(tx, titleId, seasonNumber);
  const episode = await findEpisode(tx, titleId, seasonNumber, episodeNumber);
  if (!episode || episode.deleted_at !== null) throw new AppError('NOT_FOUND', 'Episode not found');
  return episode.id;
}

/**
 * The fields an edit writes: `replace` every editable one (omitted ones become null), `merge` only the ones
 * sent. Columns come from a fixed map, never from the body's keys directly.
 */
function assignments<C extends string>(
  input: Record<string, unknown>,
  columns: Record<string, C>,
  mode: 'replace' | 'merge',
): Partial<Record<C, unknown>> {
  const out: Partial<Record<C, unknown>> = {};
  for (const [field, column] of Object.entries(columns)) {
    if (mode === 'merge' && input[field] === undefined) continue;
    out[column] = input[field] ?? null;
  }
  return out;
}

const SEASON_COLUMNS = { name: 'name', overview: 'overview', air_date: 'air_date', poster_url: 'poster_path' } as const;
const EPISODE_COLUMNS = {
  name: 'name',
  overview: 'overview',
  air_date: 'air_date',
  runtime: 'runtime',
  still_url: 'still_path',
} as const;

export async function createSeason(
  deps: Deps,
  actor: Actor,
  titleId: string,
  input: SeasonCreateInput,
): Promise<SeasonView> {
  checkSeasonNumbers([input]);
  await applyChange(deps, actor, async (tx) => {
    await lockSeries(tx, titleId);
    await insertSeason(tx, titleId, input);
    await recount(tx, titleId);
    await notifyNewEpisode({ em: tx }, { title_id: titleId, season_number: input.season_number });
    return {
      result: undefined,
      change: {
        action: 'admin.season_created',
        titleId,
        details: { season_number: input.season_number, episodes: input.episodes?.length ?? 0 },
      },
    };
  });
  return getSeason(deps.em, titleId, input.season_number);
}

export async function editSeason(
  deps: Deps,
  actor: Actor,
  titleId: string,
  seasonNumber: number,
  input: SeasonEditInput,
  mode: 'replace' | 'merge',
): Promise<SeasonView> {
  await applyChange(deps, actor, async (tx) => {
    await lockSeries(tx, titleId);
    const seasonId = await requireSeason(tx, titleId, seasonNumber);
    await updateSeason(tx, seasonId, assignments(input, SEASON_COLUMNS, mode) as SeasonFields);
    await touchTitle(tx, titleId);
    return {
      result: undefined,
      change: {
        action: 'admin.season_updated',
        titleId,
        details: { season_number: seasonNumber, mode, fields: Object.keys(input).sort() },
      },
    };
  });
  return getSeason(deps.em, titleId, seasonNumber);
}

/** Soft deletes the season and its episodes (history rows may point at them). */
export async function deleteSeason(deps: Deps, actor: Actor, titleId: string, seasonNumber: number): Promise<void> {
  await applyChange(deps, actor, async (tx) => {
    await lockSeries(tx, titleId);
    const seasonId = await requireSeason(tx, titleId, seasonNumber);
    await softDeleteSeason(tx, titleId, seasonNumber, seasonId);
    await recount(tx, titleId);
    return {
      result: undefined,
      change: { action: 'admin.season_deleted', titleId, details: { season_number: seasonNumber } },
    };
  });
}

export async function createEpisode(
  deps: Deps,
  actor: Actor,
  titleId: string,
  seasonNumber: number,
  input: EpisodeCreateInput,
): Promise<EpisodeView> {
  await applyChange(deps, actor, async (tx) => {
    await lockSeries(tx, titleId);
    await requireSeason(tx, titleId, seasonNumber);
    await insertEpisode(tx, titleId, seasonNumber, input);
    await recount(tx, titleId);
    await notifyNewEpisode(
      { em: tx },
      { title_id: titleId, season_number: seasonNumber, episode_number: input.episode_number },
    );
    return {
      result: undefined,
      change: {
        action: 'admin.episode_created',
        titleId,
        details: { season_number: seasonNumber, episode_number: input.episode_number },
      },
    };
  });
  return getEpisode(deps.em, titleId, seasonNumber, input.episode_number);
}

export async function editEpisode(
  deps: Deps,
  actor: Actor,
  titleId: string,
  seasonNumber: number,
  episodeNumber: number,
  input: EpisodeEditInput,
  mode: 'replace' | 'merge',
): Promise<EpisodeView> {
  await applyChange(deps, actor, async (tx) => {
    await lockSeries(tx, titleId);
    const episodeId = await requireEpisode(tx, titleId, seasonNumber, episodeNumber);
    await updateEpisode(tx, episodeId, assignments(input, EPISODE_COLUMNS, mode) as EpisodeFields);
    await touchTitle(tx, titleId);
    return {
      result: undefined,
      change: {
        action: 'admin.episode_updated',
        titleId,
        details: {
          season_number: seasonNumber,
          episode_number: episodeNumber,
          mode,
          fields: Object.keys(input).sort(),
        },
      },
    };
  });
  return getEpisode(deps.em, titleId, seasonNumber, episodeNumber);
}

export async function deleteEpisode(
  deps: Deps,
  actor: Actor,
  titleId: string,
  seasonNumber: number,
  episodeNumber: number,
): Promise<void> {
  await applyChange(deps, actor, async (tx) => {
    await lockSeries(tx, titleId);
    const episodeId = await requireEpisode(tx, titleId, seasonNumber, episodeNumber);
    await softDeleteEpisode(tx, episodeId);
    await recount(tx, titleId);
    return {
      result: undefined,
      change: {
        action: 'admin.episode_deleted',
        titleId,
        details: { season_number: seasonNumber, episode_number: episodeNumber },
      },
    };
  });
}
