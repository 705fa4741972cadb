// Analytics SQL: the append-only event log and its monthly partitions, the stored client event ids, the
// incremental rollup into the daily tables, and the viewing-stats reads over those rollups.
import { sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { db, toDate } from './db.ts';

export interface NewEvent {
  /** A Date, or an RFC 3339 date-time text (PostgreSQL reads it as timestamptz). */
  occurred_at: Date | string;
  user_id: string;
  profile_id: string;
  event_type: string;
  content_id: string | null;
  device_type: string | null;
  watched_seconds: number | null;
  event_id: string | null;
  metadata: Record<string, unknown>;
}

/** The ids among `ids` that are profiles of the account. */
export async function ownedProfileIds(em: Em, userId: string, ids: string[]): Promise<string[]> {
  const rows = await db(em)
    .selectFrom('viewer_profiles')
    .select('id')
    .where('user_id', '=', userId)
    .where('id', 'in', ids)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Stores the events whose client id is new for the account (and those without an id) and records the ids,
 * in one statement (atomic without an explicit transaction, one round trip); the batch travels as one
 * JSON parameter. Returns how many events were stored. Ids must be unique within `events`.
 */
export async function insertNewEvents(em: Em, userId: string, events: NewEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const { rows } = await sql<{ n: number }>`with batch as (
      select * from jsonb_to_recordset(cast(${JSON.stringify(events)} as jsonb)) as b(occurred_at timestamptz,
        profile_id uuid, event_type varchar, content_id varchar, device_type varchar, watched_seconds real,
        event_id uuid, metadata jsonb)),
    fresh as (
      insert into analytics_event_ids (user_id, event_id)
      select cast(${userId} as uuid), event_id from batch where event_id is not null
      on conflict do nothing returning event_id),
    stored as (
      insert into analytics_events
        (occurred_at, user_id, profile_id, event_type, content_id, device_type, watched_seconds, event_id, metadata)
      select occurred_at, cast(${userId} as uuid), profile_id, event_type, content_id, device_type, watched_seconds, event_id,
        coalesce(metadata, '{}')
      from batch where event_id is null or event_id in (select event_id from fresh)
      returning 1)
    select count(*)::int as n from stored`.execute(db(em));
  return Number(rows[0]?.n ?? 0);
}

export async function insertEvents(em: Em, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db(em)
    .insertInto('analytics_events')
    .values(
      events.map((e) => ({
        ...e,
        occurred_at: new Date(e.occurred_at),
        metadata: sql<Record<string, unknown>>`cast(${JSON.stringify(e.metadata)} as jsonb)`,
      })),
    )
    .execute();
}

/** Creates the monthly partitions from the month of `start` for `months` months; how many were new. */
export async function ensurePartitions(em: Em, start: Date, months: number): Promise<number> {
  const { rows } = await sql<{ made: number }>`select analytics_ensure_partitions(${start}, ${months}) as made`.execute(
    db(em),
  );
  return Number(rows[0]?.made ?? 0);
}

/**
 * Drops the monthly partitions that end before `cutoff` (whole months, no row-by-row delete) and deletes
 * the older rows of the default partition and the stored ids; returns the dropped partitions' names.
 */
export async function dropExpired(em: Em, cutoff: Date, idsCutoff: Date): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'analytics_events'::regclass and c.relname ~ '^analytics_events_[0-9]{4}_[0-9]{2}$'
      and (to_date(substr(c.relname, 18), 'YYYY_MM') + interval '1 month') <= ${cutoff}
    order by 1`.execute(db(em));
  for (const { name } of rows) {
    // The name matched a fixed pattern above, so it is safe to splice.
    await sql`drop table ${sql.id(name)}`.execute(db(em));
  }
  await db(em).deleteFrom('analytics_events').where('occurred_at', '<', cutoff).execute();
  await db(em).deleteFrom('analytics_event_ids').where('received_at', '<', idsCutoff).execute();
  return rows.map((r) => r.name);
}

/** Locks the rollup's state row (created on first use) and returns its watermark. */
export async function lockWatermark(em: Em, name: string): Promise<string> {
  await db(em)
    .insertInto('analytics_rollup_state')
    .values({ name })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db(em)
    .selectFrom('analytics_rollup_state')
    .select('watermark')
    .where('name', '=', name)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return String(row.watermark);
}

/**
 * The highest seq the next run may take: at most `limit` events past the watermark, all received at least
 * `settleSeconds` ago (a transaction that drew a lower seq and commits later is then not skipped).
 */
export async function nextHighSeq(em: Em, after: string, settleSeconds: number, limit: number): Promise<string | null> {
  const { rows } = await sql<{ hi: string | null }>`select max(seq)::text as hi from (
      select seq from analytics_events
      where seq > ${after} and received_at <= now() - make_interval(secs => ${settleSeconds})
      order by seq limit ${limit}) s`.execute(db(em));
  return rows[0]?.hi ?? null;
}

/** Adds the video events with after < seq <= hi to the daily rollups. */
export async function rollUp(em: Em, after: string, hi: string): Promise<void> {
  await sql`insert into analytics_profile_daily
      (profile_id, day, title_id, device_type, watch_seconds, plays, completes)
    select profile_id, (occurred_at at time zone 'UTC')::date, content_id, coalesce(device_type, 'unknown'),
      coalesce(sum(watched_seconds), 0),
      count(*) filter (where event_type = 'video_play'),
      count(*) filter (where event_type = 'video_complete')
    from analytics_events
    where seq > ${after} and seq <= ${hi} and content_id is not null and event_type like 'video\\_%'
    group by 1, 2, 3, 4
    on conflict (profile_id, day, title_id, device_type) do update set
      watch_seconds = analytics_profile_daily.watch_seconds + excluded.watch_seconds,
      plays = analytics_profile_daily.plays + excluded.plays,
      completes = analytics_profile_daily.completes + excluded.completes`.execute(db(em));
  await sql`insert into analytics_title_daily (title_id, day, watch_seconds, plays, completes, errors)
    select content_id, (occurred_at at time zone 'UTC')::date, coalesce(sum(watched_seconds), 0),
      count(*) filter (where event_type = 'video_play'),
      count(*) filter (where event_type = 'video_complete'),
      count(*) filter (where event_type = 'video_error')
    from analytics_events
    where seq > ${after} and seq <= ${hi} and content_id is not null and event_type like 'video\\_%'
    group by 1, 2
    on conflict (title_id, day) do update set
      watch_seconds = analytics_title_daily.watch_seconds + excluded.watch_seconds,
      plays = analytics_title_daily.plays + excluded.plays,
      completes = analytics_title_daily.completes + excluded.completes,
      errors = analytics_title_daily.errors + excluded.errors`.execute(db(em));
}

export async function setWatermark(em: Em, name: string, seq: string): Promise<void> {
  await db(em)
    .updateTable('analytics_rollup_state')
    .set({ watermark: seq, updated_at: sql<Date>`now()` })
    .where('name', '=', name)
    .execute();
}

export async function rollupUpdatedAt(em: Em, name: string): Promise<Date | null> {
  const row = await db(em)
    .selectFrom('analytics_rollup_state')
    .select('updated_at')
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? toDate(row.updated_at) : null;
}
