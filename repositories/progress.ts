// Playback progress: the resume state per (profile, title, episode), written by heartbeats ordered by their
// client time, each applied heartbeat moving the title's history entry too.
import { sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { db } from './db.ts';
import { toDate } from './db.ts';

export interface ProgressRow {
  title_id: string;
  /** '' for a movie. */
  episode_id: string;
  position: number;
  duration: number;
  resume_position: number | null;
  completed: boolean;
  updated_at: Date;
}

export interface Heartbeat {
  profileId: string;
  titleId: string;
  episodeId: string;
  position: number;
  duration: number;
  resumePosition: number | null;
  completed: boolean;
  clientTime: Date;
  sessionId: string | null;
}

const PROGRESS_COLUMNS = [
  'title_id',
  'episode_id',
  'position',
  'duration',
  'resume_position',
  'completed',
  'updated_at',
] as const;

const progressRow = (r: ProgressRow): ProgressRow => ({ ...r, updated_at: toDate(r.updated_at) });

/**
 * Stores the heartbeat unless the stored one is newer by client time; undefined when it was ignored. An
 * applied heartbeat also moves the title's history entry.
 */
export async function applyHeartbeat(em: Em, hb: Heartbeat): Promise<ProgressRow | undefined> {
  // One statement (a data-modifying CTE): the progress upsert and the history entry it moves commit together
  // without a transaction of their own, so a heartbeat costs one round trip instead of four.
  const applied = await db(em)
    .with('p', (k) =>
      k
        .insertInto('playback_progress')
        .values({
          profile_id: hb.profileId,
          title_id: hb.titleId,
          episode_id: hb.episodeId,
          position: hb.position,
          duration: hb.duration,
          resume_position: hb.resumePosition,
          completed: hb.completed,
          completed_at: hb.completed ? sql<Date>`now()` : null,
          client_time: hb.clientTime,
          session_id: hb.sessionId,
          updated_at: sql<Date>`now()`,
        })
        .onConflict((oc) =>
          oc
            .columns(['profile_id', 'title_id', 'episode_id'])
            .doUpdateSet((eb) => ({
              position: eb.ref('excluded.position'),
              duration: eb.ref('excluded.duration'),
              resume_position: eb.ref('excluded.resume_position'),
              completed: eb.ref('excluded.completed'),
              completed_at: eb.fn.coalesce('excluded.completed_at', 'playback_progress.completed_at'),
              client_time: eb.ref('excluded.client_time'),
              session_id: eb.ref('excluded.session_id'),
              updated_at: sql<Date>`now()`,
            }))
            .whereRef('playback_progress.client_time', '<=', 'excluded.client_time'),
        )
        .returning([...PROGRESS_COLUMNS, 'profile_id']),
    )
    .with('h', (k) =>
      k
        .insertInto('watch_history')
        .columns(['id', 'profile_id', 'title_id', 'episode_id', 'position', 'duration', 'completed'])
        .expression((eb) =>
          eb
            .selectFrom('p')
            .select([
              sql<string>`${crypto.randomUUID()}::uuid`.as('id'),
              'p.profile_id',
              'p.title_id',
              sql<string | null>`nullif(p.episode_id, '')`.as('episode_id'),
              'p.position',
              'p.duration',
              'p.completed',
            ]),
        )
        .onConflict((oc) =>
          oc.columns(['profile_id', 'title_id']).doUpdateSet((eb) => ({
            episode_id: eb.ref('excluded.episode_id'),
            position: eb.ref('excluded.position'),
            duration: eb.ref('excluded.duration'),
            completed: eb.ref('excluded.completed'),
            watched_at: sql<Date>`now()`,
          })),
        ),
    )
    .selectFrom('p')
    .select(PROGRESS_COLUMNS)
    .executeTakeFirst();
  return applied ? progressRow(applied) : undefined;
}

export async function findProgress(
  em: Em,
  profileId: string,
  titleId: string,
  episodeId: string,
): Promise<ProgressRow | undefined> {
  const row = await db(em)
    .selectFrom('playback_progress')
    .select(PROGRESS_COLUMNS)
    .where('profile_id', '=', profileId)
    .where('title_id', '=', titleId)
    .where('episode_id', '=', episodeId)
    .executeTakeFirst();
  return row && progressRow(row);
}
