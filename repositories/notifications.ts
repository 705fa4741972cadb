// user_notifications and notification_broadcasts: one user's notifications (insert, list, unread count,
// mark read, the per-user write lock), the broadcasts' bookkeeping, and the batched fan-out statements.
import { type Expression, type Insertable, type RawBuilder, type Selectable, sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { type DB, db, tdb, toCount, toDate } from './db.ts';

const COLUMNS = ['id', 'title', 'message', 'type', 'read', 'created_at', 'movie_id', 'image'] as const;

export type NotificationRow = Pick<Selectable<DB['user_notifications']>, (typeof COLUMNS)[number]>;
export type NewNotificationRow = Omit<Insertable<DB['user_notifications']>, 'id' | 'read' | 'read_at' | 'created_at'>;

/** Serializes writers per user (held until the transaction ends). */
export async function lockUser(em: Em, userId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${userId}, 7))`.execute(db(em));
}

/** µs on the database clock: orders unread counts computed by racing writers. */
const SEQ = sql<number>`floor(extract(epoch from clock_timestamp()) * 1000000)::float8`;

export async function unreadCount(em: Em, userId: string): Promise<{ unread_count: number; seq: number }> {
  const row = await tdb(em)
    .selectFrom('user_notifications')
    .select([sql<number>`count(*)::int`.as('n'), SEQ.as('seq')])
    .where('user_id', '=', userId)
    .where((eb) => eb.not(eb.ref('read')))
    .executeTakeFirstOrThrow();
  return { unread_count: toCount(row.n), seq: Number(row.seq) };
}

/** Stores one notification; null when the user already has one with this dedupe_key. */
export async function insertNotification(em: Em, values: NewNotificationRow): Promise<NotificationRow | null> {
  const row = await tdb(em)
    .insertInto('user_notifications')
    .values({ id: crypto.randomUUID(), ...values })
    .onConflict((oc) => oc.doNothing())
    .returning(COLUMNS)
    .executeTakeFirst();
  return row ?? null;
}

export async function notificationCounts(em: Em, userId: string): Promise<{ total: number; unread: number }> {
  const row = await tdb(em)
    .selectFrom('user_notifications')
    .select([sql<number>`count(*)::int`.as('total'), sql<number>`(count(*) filter (where not read))::int`.as('unread')])
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return { total: toCount(row.total), unread: toCount(row.unread) };
}

/** A page of a user's notifications, newest first (stable on ties). */
export function notificationPage(
  em: Em,
  userId: string,
  page: { limit: number; offset: number; unreadOnly: boolean },
): Promise<NotificationRow[]> {
  let query = tdb(em).selectFrom('user_notifications').select(COLUMNS).where('user_id', '=', userId);
  if (page.unreadOnly) query = query.where((eb) => eb.not(eb.ref('read')));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute();
}

/** Marks the user's unread notifications read (all, or those of the ids); returns how many changed. */
export async function markNotificationsRead(em: Em, userId: string, ids?: readonly string[]): Promise<number> {
  let query = tdb(em)
    .updateTable('user_notifications')
    .set({ read: true, read_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where((eb) => eb.not(eb.ref('read')));
  if (ids) query = query.where('id', 'in', ids);
  return (await query.returning('id').execute()).length;
}

// Broadcasts.

const BROADCAST_COLUMNS = [
  'id',
  'title',
  'message',
  'audience',
  'status',
  'recipients',
  'created_at',
  'finished_at',
] as const;
export type BroadcastRow = Pick<Selectable<DB['notification_broadcasts']>, (typeof BROADCAST_COLUMNS)[number]>;
export type BroadcastContent = Pick<
  Selectable<DB['notification_broadcasts']>,
  'title' | 'message' | 'image' | 'movie_id' | 'audience' | 'status' | 'cursor_user_id'
>;

export async function insertBroadcast(
  em: Em,
  values: Omit<Insertable<DB['notification_broadcasts']>, 'status' | 'recipients' | 'cursor_user_id'>,
): Promise<void> {
  await tdb(em).insertInto('notification_broadcasts').values(values).execute();
}

export async function broadcastById(em: Em, id: string): Promise<BroadcastRow | null> {
  const row = await tdb(em)
    .selectFrom('notification_broadcasts')
    .select(BROADCAST_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

/** What the fan-out job needs: the content, the audience, and where a previous attempt got to. */
export async function broadcastContent(em: Em, id: string): Promise<BroadcastContent | null> {
  const row = await tdb(em)
    .selectFrom('notification_broadcasts')
    .select(['title', 'message', 'image', 'movie_id', 'audience', 'status', 'cursor_user_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

/** running, or done / failed (which also stamp finished_at). */
export async function setBroadcastStatus(em: Em, id: string, status: 'running' | 'done' | 'failed'): Promise<void> {
  await tdb(em)
    .updateTable('notification_broadcasts')
    .set(status === 'running' ? { status } : { status, finished_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** Records a finished batch: the resume cursor and the recipients it added. */
export async function advanceBroadcast(em: Em, id: string, lastUserId: string, inserted: number): Promise<void> {
  await tdb(em)
    .updateTable('notification_broadcasts')
    .set((eb) => ({ cursor_user_id: lastUserId, recipients: eb('recipients', '+', inserted) }))
    .where('id', '=', id)
    .execute();
}

// Fan-out: an audience is a select whose `id` column is user ids (duplicates allowed); each batch is a
// slice of it by id, and one INSERT ... SELECT writes the batch's notifications.

export type Audience = Expression<unknown>;
export type FanOutInsert = (batch: Expression<unknown>) => RawBuilder<unknown>;
export type FannedOutRow = NotificationRow & { user_id: string };

export const FIRST_UUID = '00000000-0000-0000-0000-000000000000';
const RETURNING = sql`returning id, user_id, title, message, type, read, created_at, movie_id, image`;
// The highest maturity level an account's maturity_filter lets through (services/catalog/maturity.ts).
const USER_LEVEL = sql`(case u.maturity_filter when 'teen' then 2 else 3 end)`;

/** Every account of a broadcast audience. */
export function accountsAudience(em: Em, audience: 'all' | 'users' | 'admins'): Audience {
  const all = db(em).selectFrom('users').select('id');
  return audience === 'all' ? all : all.where('role', '=', audience === 'admins' ? 'admin' : 'user');
}

/** Users who follow one of the title's genres and whose maturity filter lets it through. */
export function genreFollowersAudience(titleId: string, maturityLevel: number): Audience {
  // titles.genre_ids is the authoritative genre list; user_genres keeps TMDb ids as strings.
  return sql`select ug.user_id as id from user_genres ug join users u on u.id = ug.user_id
    where ug.genre_id in (select g::text from titles t, unnest(t.genre_ids) g where t.id = ${titleId})
      and ${USER_LEVEL} >= ${maturityLevel}`;
}

/** Accounts with a viewer profile that favourited the title (one row per profile). */
export function favouritersAudience(titleId: string): Audience {
  return sql`select vp.user_id as id from user_favourites f join viewer_profiles vp on vp.id = f.profile_id
    where f.title_id = ${titleId}`;
}

/** Accounts with a login session used within the last `days` days. */
export function activeAccountsAudience(em: Em, days: number): Audience {
  return db(em)
    .selectFrom('login_sessions')
    .select('user_id as id')
    .where('status', '=', 'active')
    .where('last_used_at', '>', sql<Date>`now() - make_interval(days => ${days})`);
}

/** The next `size` distinct user ids of the audience after `after`, in id order. */
export async function audienceIds(em: Em, audience: Audience, after: string, size: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`select distinct a.id from (${audience}) a where a.id > ${after}
    order by a.id limit ${size}`.execute(db(em));
  return rows.map((r) => r.id);
}

/** The audience's user ids in (after, last]: one batch. */
export const audienceSlice = (audience: Audience, after: string, last: string): Expression<unknown> =>
  sql`select distinct a.id from (${audience}) a where a.id > ${after} and a.id <= ${last}`;

/** Takes the write lock of every user of the batch, sorted so two batch writers never wait in a cycle. */
export async function lockBatch(em: Em, batch: Expression<unknown>): Promise<void> {
  await sql`select count(pg_advisory_xact_lock(hashtextextended(x.id::text, 7))) from (${batch} order by 1) x`.execute(
    db(em),
  );
}

export async function insertFannedOut(em: Em, insert: RawBuilder<unknown>): Promise<FannedOutRow[]> {
  const { rows } = await (insert as RawBuilder<FannedOutRow & { created_at: Date | string }>).execute(db(em));
  return rows.map((r) => ({ ...r, created_at: toDate(r.created_at) }));
}

/** The unread count of every user of the batch, with the database clock's sequence. */
export async function batchUnreadCounts(
  em: Em,
  batch: Expression<unknown>,
): Promise<Map<string, { unread_count: number; seq: number }>> {
  const { rows } = await sql<{ user_id: string; n: number; seq: number }>`select b.id as user_id,
      (select count(*) from user_notifications n where n.user_id = b.id and not n.read)::int as n, ${SEQ} as seq
    from (${batch}) b`.execute(db(em));
  return new Map(rows.map((r) => [r.user_id, { unread_count: toCount(r.n), seq: Number(r.seq) }]));
}

/** One notification per batch member, all with the same content (deduplicated per user by dedupe_key). */
export const sameForAll =
  (values: Required<Omit<NewNotificationRow, 'user_id'>>): FanOutInsert =>
  (batch) =>
    sql`insert into user_notifications (id, user_id, type, title, message, image, movie_id, dedupe_key)
      select gen_random_uuid(), b.id, ${values.type}, ${values.title}, ${values.message}, ${values.image},
        ${values.movie_id}, ${values.dedupe_key}
      from (${batch}) b on conflict do nothing ${RETURNING}`;

/**
 * The movie_recommendation digest: per batch member, the `picks` most popular titles in the genres the
 * account follows that its maturity filter allows; members with no such title get nothing.
 */
export const digestForAll =
  (values: { title: string; prefix: string; posterBase: string; dedupeKey: string; picks: number }): FanOutInsert =>
  (batch) =>
    sql`insert into user_notifications (id, user_id, type, title, message, image, movie_id, dedupe_key)
      select gen_random_uuid(), u.id, 'movie_recommendation', ${values.title}, ${values.prefix} || picks.names,
        case when picks.poster like '/%' then ${values.posterBase} || picks.poster else picks.poster end, picks.top_id,
        ${values.dedupeKey}
      from (${batch}) b
      join users u on u.id = b.id
      cross join lateral (
        select string_agg('''' || p.title || '''', ', ' order by p.rank) as names,
               (array_agg(p.id order by p.rank))[1] as top_id,
               (array_agg(p.poster_path order by p.rank))[1] as poster
        from (
          select t.id, t.title, t.poster_path, row_number() over (order by top.popularity desc, t.id) as rank
          from (
            select tg.title_id, max(tg.popularity) as popularity from title_genres tg
            where tg.genre_id::text in (select ug.genre_id from user_genres ug where ug.user_id = u.id)
              and tg.maturity_level <= ${USER_LEVEL}
            group by tg.title_id order by max(tg.popularity) desc, tg.title_id limit ${values.picks}) top
          join titles t on t.id = top.title_id and t.deleted_at is null) p
      ) picks
      where picks.top_id is not null
      on conflict do nothing ${RETURNING}`;

export interface AnnouncedTitle {
  id: string;
  title: string;
  kind: 'movie' | 'series';
  poster_path: string | null;
  maturity_level: number;
}

/** The live title a notification is about. The catalog's titles have no entity here yet: typed by hand. */
export async function announcedTitle(em: Em, titleId: string): Promise<AnnouncedTitle | null> {
  const { rows } = await sql<AnnouncedTitle>`select id, title, kind, poster_path, maturity_level from titles
    where id = ${titleId} and deleted_at is null`.execute(db(em));
  return rows[0] ?? null;
}
