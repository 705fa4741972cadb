// Seasons and episodes of a series: bulk upserts from imports, the live rows a title's details show, the
// admin's single-row writes (revive a soft-deleted number, patch, soft delete) and the episode counters.
import { type Insertable, type Selectable, type Updateable, sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { type DB, db } from './db.ts';
import { type Stamped, stamped } from './titles.ts';

export type SeasonRow = Stamped<Selectable<DB['seasons']>>;
export type EpisodeRow = Stamped<Selectable<DB['episodes']>>;
type SeasonValues = Omit<Insertable<DB['seasons']>, 'created_at' | 'updated_at' | 'deleted_at'>;
type EpisodeValues = Omit<Insertable<DB['episodes']>, 'created_at' | 'updated_at' | 'deleted_at'>;
export type SeasonFields = Pick<Updateable<DB['seasons']>, 'name' | 'overview' | 'air_date' | 'poster_path'>;
export type EpisodeFields = Pick<
  Updateable<DB['episodes']>,
  'name' | 'overview' | 'air_date' | 'runtime' | 'still_path'
>;

const now = sql<Date>`now()`;

/** Upserts imported seasons by (title, number); a season that comes back is live again. */
export async function upsertSeasonRows(em: Em, rows: SeasonValues[]): Promise<void> {
  if (rows.length === 0) return;
  await db(em)
    .insertInto('seasons')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['title_id', 'season_number']).doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        overview: eb.ref('excluded.overview'),
        air_date: eb.ref('excluded.air_date'),
        poster_path: eb.fn.coalesce(eb.ref('excluded.poster_path'), eb.ref('seasons.poster_path')),
        vote_average: eb.ref('excluded.vote_average'),
        episode_count: eb.ref('excluded.episode_count'),
        deleted_at: null,
        updated_at: now,
      })),
    )
    .execute();
}

/** Upserts imported episodes by (title, season, number). */
export async function upsertEpisodeRows(em: Em, rows: EpisodeValues[]): Promise<void> {
  if (rows.length === 0) return;
  await db(em)
    .insertInto('episodes')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['title_id', 'season_number', 'episode_number']).doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        overview: eb.ref('excluded.overview'),
        air_date: eb.ref('excluded.air_date'),
        runtime: eb.ref('excluded.runtime'),
        still_path: eb.fn.coalesce(eb.ref('excluded.still_path'), eb.ref('episodes.still_path')),
        vote_average: eb.ref('excluded.vote_average'),
        deleted_at: null,
        updated_at: now,
      })),
    )
    .execute();
}

/** The live seasons of a title, by number. */
export async function liveSeasons(em: Em, titleId: string): Promise<SeasonRow[]> {
  return db(em)
    .selectFrom('seasons')
    .selectAll()
    .where('title_id', '=', titleId)
    .where('deleted_at', 'is', null)
    .orderBy('season_number')
    .execute()
    .then((rows) => rows.map(stamped));
}

/** The live episodes of a title (or of one of its seasons), by season and number. */
export async function liveEpisodes(em: Em, titleId: string, seasonNumber?: number): Promise<EpisodeRow[]> {
  let q = db(em).selectFrom('episodes').selectAll().where('title_id', '=', titleId).where('deleted_at', 'is', null);
  if (seasonNumber !== undefined) q = q.where('season_number', '=', seasonNumber);
  return (await q.orderBy('season_number').orderBy('episode_number').execute()).map(stamped);
}

/** The live seasons of many titles at once (GraphQL loaders batch a page of titles into one query). */
export async function liveSeasonsOf(em: Em, titleIds: string[]): Promise<SeasonRow[]> {
  if (titleIds.length === 0) return [];
  return db(em)
    .selectFrom('seasons')
    .selectAll()
    .where('title_id', 'in', titleIds)
    .where('deleted_at', 'is', null)
    .orderBy('title_id')
    .orderBy('season_number')
    .execute()
    .then((rows) => rows.map(stamped));
}

/** The live episodes of many titles at once, by title, season and number. */
export async function liveEpisodesOf(em: Em, titleIds: string[]): Promise<EpisodeRow[]> {
  if (titleIds.length === 0) return [];
  return db(em)
    .selectFrom('episodes')
    .selectAll()
    .where('title_id', 'in', titleIds)
    .where('deleted_at', 'is', null)
    .orderBy('title_id')
    .orderBy('season_number')
    .orderBy('episode_number')
    .execute()
    .then((rows) => rows.map(stamped));
}

/** A season by number, deleted or not (numbers are unique per title either way). */
export async function findSeason(em: Em, titleId: string, seasonNumber: number): Promise<SeasonRow | undefined> {
  return db(em)
    .selectFrom('seasons')
    .selectAll()
    .where('title_id', '=', titleId)
    .where('season_number', '=', seasonNumber)
    .executeTakeFirst()
    .then((row) => row && stamped(row));
}

/** An episode by number, deleted or not. */
export async function findEpisode(
  em: Em,
  titleId: string,
  seasonNumber: number,
  episodeNumber: number,
): Promise<EpisodeRow | undefined> {
  return db(em)
    .selectFrom('episodes')
    .selectAll()
    .where('title_id', '=', titleId)
    .where('season_number', '=', seasonNumber)
    .where('episode_number', '=', episodeNumber)
    .executeTakeFirst()
    .then((row) => row && stamped(row));
}

export type EpisodeRef = Pick<Selectable<DB['episodes']>, 'id' | 'season_number' | 'episode_number' | 'runtime'>;

/** A live episode of the title by id, with its runtime (minutes): for playback and the library. */
export async function findLiveEpisode(em: Em, titleId: string, episodeId: string): Promise<EpisodeRef | undefined> {
  return db(em)
    .selectFrom('episodes')
    .select(['id', 'season_number', 'episode_number', 'runtime'])
    .where('id', '=', episodeId)
    .where('title_id', '=', titleId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function insertSeasonRow(em: Em, row: SeasonValues): Promise<void> {
  await db(em).insertInto('seasons').values(row).execute();
}

export async function insertEpisodeRow(em: Em, row: EpisodeValues): Promise<void> {
  await db(em).insertInto('episodes').values(row).execute();
}

/** Writes the given fields of a season (a revived one becomes live again). */
export async function updateSeason(em: Em, id: string, fields: SeasonFields, revive = false): Promise<void> {
  await db(em)
    .updateTable('seasons')
    .set({ ...fields, ...(revive ? { deleted_at: null } : {}), updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function updateEpisode(em: Em, id: string, fields: EpisodeFields, revive = false): Promise<void> {
  await db(em)
    .updateTable('episodes')
    .set({ ...fields, ...(revive ? { deleted_at: null } : {}), updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Soft deletes a season and its live episodes (history rows may point at them). */
export async function softDeleteSeason(em: Em, titleId: string, seasonNumber: number, seasonId: string): Promise<void> {
  const k = db(em);
  await k
    .updateTable('episodes')
    .set({ deleted_at: now, updated_at: now })
    .where('title_id', '=', titleId)
    .where('season_number', '=', seasonNumber)
    .where('deleted_at', 'is', null)
    .execute();
  await k.updateTable('seasons').set({ deleted_at: now, updated_at: now }).where('id', '=', seasonId).execute();
}

export async function softDeleteEpisode(em: Em, id: string): Promise<void> {
  await db(em).updateTable('episodes').set({ deleted_at: now, updated_at: now }).where('id', '=', id).execute();
}

/** Recomputes seasons.episode_count and titles.season_count / episode_count from live rows (specials, season 0, not counted on the title). */
export async function recount(em: Em, titleId: string): Promise<void> {
  const k = db(em);
  await k
    .updateTable('seasons as s')
    .set((eb) => ({
      episode_count: eb
        .selectFrom('episodes as e')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('e.title_id', '=', 's.title_id')
        .whereRef('e.season_number', '=', 's.season_number')
        .where('e.deleted_at', 'is', null),
    }))
    .where('s.title_id', '=', titleId)
    .execute();
  const live = (eb: typeof k) =>
    eb
      .selectFrom('seasons')
      .where('title_id', '=', titleId)
      .where('deleted_at', 'is', null)
      .where('season_number', '>', 0);
  await k
    .updateTable('titles')
    .set((eb) => ({
      season_count: live(k).select(eb.fn.countAll<number>().as('n')),
      episode_count: live(k).select(eb.fn.coalesce(eb.fn.sum<number>('episode_count'), sql.lit(0)).as('n')),
      updated_at: now,
    }))
    .where('id', '=', titleId)
    .execute();
}
