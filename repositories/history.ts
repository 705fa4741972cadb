// What a profile watched, as the lists show it: the history page, continue watching and next up (each of
// visible titles only), and forgetting one title or everything.
import { type ExpressionBuilder, sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { db } from './db.ts';
import { toDate } from './db.ts';
import { type LibraryDB, catalogDb, visibleTitle } from './library-catalog.ts';
import { type Page, pageOffset } from './library.ts';

/** The episode shown beside a history, continue-watching or next-up entry. */
export interface EpisodeRow {
  id: string;
  season_number: number;
  episode_number: number;
  name: string;
  runtime: number | null;
  still_path: string | null;
}

// The episode columns under one prefix, read back by episodeOf (a left join leaves them all null).
const episodeColumns = (eb: ExpressionBuilder<LibraryDB & { e: LibraryDB['episodes'] }, 'e'>) => [
  eb.ref('e.id').$castTo<string | null>().as('e_id'),
  eb.ref('e.season_number').$castTo<number | null>().as('e_season'),
  eb.ref('e.episode_number').$castTo<number | null>().as('e_number'),
  eb.ref('e.name').$castTo<string | null>().as('e_name'),
  eb.ref('e.runtime').as('e_runtime'),
  eb.ref('e.still_path').as('e_still'),
];

interface EpisodeColumns {
  e_id: string | null;
  e_season: number | null;
  e_number: number | null;
  e_name: string | null;
  e_runtime: number | null;
  e_still: string | null;
}

const episodeOf = (r: EpisodeColumns): EpisodeRow | null =>
  r.e_id === null || r.e_season === null || r.e_number === null
    ? null
    : {
        id: r.e_id,
        season_number: r.e_season,
        episode_number: r.e_number,
        name: r.e_name ?? '',
        runtime: r.e_runtime,
        still_path: r.e_still,
      };

export interface HistoryRow {
  title_id: string;
  watched_at: Date;
  position: number;
  duration: number;
  completed: boolean;
  episode: EpisodeRow | null;
}

/** A page of the profile's history of visible titles, newest first, and its total. */
export async function listHistory(
  em: Em,
  profileId: string,
  maxLevel: number,
  page: Page,
): Promise<{ rows: HistoryRow[]; total: number }> {
  const rows = await catalogDb(em)
    .selectFrom('watch_history as h')
    .innerJoin('titles', 'titles.id', 'h.title_id')
    .leftJoin('episodes as e', 'e.id', 'h.episode_id')
    .select((eb) => [
      'h.title_id',
      'h.watched_at',
      'h.position',
      'h.duration',
      'h.completed',
      ...episodeColumns(eb),
      eb.fn.countAll<string>().over().as('total'),
    ])
    .where('h.profile_id', '=', profileId)
    .where(visibleTitle(maxLevel))
    .orderBy('h.watched_at', 'desc')
    .orderBy('h.title_id')
    .limit(page.limit)
    .offset(pageOffset(page))
    .execute();
  return {
    rows: rows.map((r) => ({
      title_id: r.title_id,
      watched_at: toDate(r.watched_at),
      position: r.position,
      duration: r.duration,
      completed: r.completed,
      episode: episodeOf(r),
    })),
    total: rows[0] ? Number(rows[0].total) : 0,
  };
}

/** Forgets one title: its history entry and every progress row; false when neither was there. */
export async function forgetTitle(em: Em, profileId: string, titleId: string): Promise<boolean> {
  const k = db(em);
  const a = await k
    .deleteFrom('watch_history')
    .where('profile_id', '=', profileId)
    .where('title_id', '=', titleId)
    .returning('title_id')
    .execute();
  const b = await k
    .deleteFrom('playback_progress')
    .where('profile_id', '=', profileId)
    .where('title_id', '=', titleId)
    .returning('title_id')
    .execute();
  return a.length + b.length > 0;
}

/** Forgets everything the profile watched; returns how many history entries went. */
export async function forgetAll(em: Em, profileId: string): Promise<number> {
  const k = db(em);
  const a = await k.deleteFrom('watch_history').where('profile_id', '=', profileId).returning('title_id').execute();
  await k.deleteFrom('playback_progress').where('profile_id', '=', profileId).execute();
  return a.length;
}

// The most recent progress row of each title of the profile.
const lastPerTitle = (em: Em, profileId: string) =>
  db(em)
    .selectFrom('playback_progress as p')
    .distinctOn('p.title_id')
    .select([
      'p.title_id',
      'p.episode_id',
      'p.position',
      'p.duration',
      'p.resume_position',
      'p.completed',
      'p.updated_at',
    ])
    .where('p.profile_id', '=', profileId)
    .orderBy('p.title_id')
    .orderBy('p.updated_at', 'desc')
    .as('last');

export interface ContinueRow {
  title_id: string;
  duration: number;
  resume_position: number;
  updated_at: Date;
  episode: EpisodeRow | null;
}

/** Visible titles whose latest item has a resume point, most recent first. */
export async function listContinue(
  em: Em,
  profileId: string,
  maxLevel: number,
  page: Page,
): Promise<{ rows: ContinueRow[]; total: number }> {
  const rows = await catalogDb(em)
    .selectFrom(lastPerTitle(em, profileId))
    .innerJoin('titles', 'titles.id', 'last.title_id')
    .leftJoin('episodes as e', (j) => j.on('e.id', '=', sql<string>`nullif(last.episode_id, '')`))
    .select((eb) => [
      'last.title_id',
      'last.duration',
      'last.resume_position',
      'last.updated_at',
      ...episodeColumns(eb),
      eb.fn.countAll<string>().over().as('total'),
    ])
    .where('last.resume_position', 'is not', null)
    .where(visibleTitle(maxLevel))
    .orderBy('last.updated_at', 'desc')
    .orderBy('last.title_id')
    .limit(page.limit)
    .offset(pageOffset(page))
    .execute();
  return {
    rows: rows.map((r) => ({
      title_id: r.title_id,
      duration: r.duration,
      resume_position: r.resume_position ?? 0,
      updated_at: toDate(r.updated_at),
      episode: episodeOf(r),
    })),
    total: rows[0] ? Number(rows[0].total) : 0,
  };
}

export interface NextUpRow {
  title_id: string;
  updated_at: Date;
  episode: EpisodeRow;
}

/**
 * For each visible series whose latest episode has no resume point, the episode to play next: the same
 * one when it was not finished, else the following one in (season, episode) order past specials (season 0).
 */
export async function listNextUp(
  em: Em,
  profileId: string,
  maxLevel: number,
  page: Page,
): Promise<{ rows: NextUpRow[]; total: number }> {
  const rows = await catalogDb(em)
    .selectFrom(lastPerTitle(em, profileId))
    .innerJoin('titles', 'titles.id', 'last.title_id')
    .innerJoin('episodes as cur', (j) =>
      j.onRef('cur.id', '=', 'last.episode_id').onRef('cur.title_id', '=', 'last.title_id'),
    )
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('episodes as x')
          .select([
            'x.id as e_id',
            'x.season_number as e_season',
            'x.episode_number as e_number',
            'x.name as e_name',
            'x.runtime as e_runtime',
            'x.still_path as e_still',
          ])
          .whereRef('x.title_id', '=', 'last.title_id')
          .where('x.deleted_at', 'is', null)
          .where((w) =>
            w.or([
              w.and([w.not(w.ref('last.completed')), w('x.id', '=', w.ref('last.episode_id'))]),
              w.and([
                w.ref('last.completed'),
                w('x.season_number', '>', 0),
                w(
                  w.refTuple('x.season_number', 'x.episode_number'),
                  '>',
                  w.refTuple('cur.season_number', 'cur.episode_number'),
                ),
              ]),
            ]),
          )
          .orderBy('x.season_number')
          .orderBy('x.episode_number')
          .limit(1)
          .as('e'),
      (j) => j.onTrue(),
    )
    .select((eb) => [
      'last.title_id',
      'last.updated_at',
      'e.e_id',
      'e.e_season',
      'e.e_number',
      'e.e_name',
      'e.e_runtime',
      'e.e_still',
      eb.fn.countAll<string>().over().as('total'),
    ])
    .where('titles.kind', '=', 'series')
    .where('last.resume_position', 'is', null)
    .where(visibleTitle(maxLevel))
    .orderBy('last.updated_at', 'desc')
    .orderBy('last.title_id')
    .limit(page.limit)
    .offset(pageOffset(page))
    .execute();
  return {
    rows: rows.flatMap((r) => {
      const episode = episodeOf(r);
      return episode ? [{ title_id: r.title_id, updated_at: toDate(r.updated_at), episode }] : [];
    }),
    total: rows[0] ? Number(rows[0].total) : 0,
  };
}
