// Playback sessions' SQL: stream slots per account (locked on the account row), heartbeats, stops; and the
// first episode a series starts at.
import { sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { db } from './db.ts';

export interface ActiveSession {
  id: string;
  device_type: string;
  title_id: string;
}

export interface NewSession {
  id: string;
  userId: string;
  profileId: string;
  titleId: string;
  episodeId: string | null;
  deviceType: string;
  quality: string;
  /** When it starts (its first heartbeat). */
  at: Date;
}

/** The first regular episode (season 1 onwards, specials last) of a series, or null. */
export async function firstEpisodeId(em: Em, titleId: string): Promise<string | null> {
  // The catalog tables are not modelled as entities yet, so this one query is spelled in SQL.
  const { rows } = await sql<{ id: string }>`select id from episodes
    where title_id = ${titleId} and deleted_at is null and season_number > 0
    order by season_number, episode_number limit 1`.execute(db(em));
  return rows[0]?.id ?? null;
}

/** Locks the account row: it serialises stream-slot decisions of one account. */
export async function lockAccount(em: Em, userId: string): Promise<void> {
  await db(em).selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
}

/** Sessions silent for longer than staleSeconds stop counting (ended at their last heartbeat). */
export async function expireStale(em: Em, userId: string, staleSeconds: number, now: Date): Promise<void> {
  await db(em)
    .updateTable('playback_sessions')
    .set({ status: 'expired', ended_at: sql<Date>`last_heartbeat_at` })
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .where('last_heartbeat_at', '<', new Date(now.getTime() - staleSeconds * 1000))
    .execute();
}

export async function activeSessions(em: Em, userId: string): Promise<ActiveSession[]> {
  return db(em)
    .selectFrom('playback_sessions')
    .select(['id', 'device_type', 'title_id'])
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .execute();
}

export async function insertSession(em: Em, s: NewSession): Promise<void> {
  await db(em)
    .insertInto('playback_sessions')
    .values({
      id: s.id,
      user_id: s.userId,
      profile_id: s.profileId,
      title_id: s.titleId,
      episode_id: s.episodeId,
      device_type: s.deviceType,
      quality: s.quality,
      started_at: s.at,
      last_heartbeat_at: s.at,
    })
    .execute();
}

export async function touchSession(em: Em, userId: string, sessionId: string, now: Date): Promise<void> {
  await db(em)
    .updateTable('playback_sessions')
    .set({ last_heartbeat_at: now })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .execute();
}

/** Stops an active session of the account on the title; the seconds it lasted, or null when none. */
export async function stopSession(
  em: Em,
  userId: string,
  titleId: string,
  sessionId: string,
  now: Date,
): Promise<number | null> {
  const row = await db(em)
    .updateTable('playback_sessions')
    .set({ status: 'stopped', ended_at: now })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .where('title_id', '=', titleId)
    .returning(sql<number>`extract(epoch from ended_at - started_at)::int`.as('seconds'))
    .executeTakeFirst();
  return row ? Number(row.seconds) : null;
}

/** Active sessions across all accounts that sent a heartbeat within staleSeconds of `now`. */
export async function countActive(em: Em, staleSeconds: number, now: Date): Promise<number> {
  const row = await db(em)
    .selectFrom('playback_sessions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'active')
    .where('last_heartbeat_at', '>=', new Date(now.getTime() - staleSeconds * 1000))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
