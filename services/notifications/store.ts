// The user_notifications table: create (one user), list with unread count, mark read, and the messages
// pushed to the user's sockets. Every write for a user holds that user's advisory lock and reads the unread
// count inside the same transaction, so each pushed count is exact for the state its write produced.
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { NewNotification, NotificationItem, NotifyDeps, UnreadState } from './types.ts';

const COLUMNS = 'id, title, message, type, read, created_at, movie_id, image';

export interface NotificationRow {
  id: string;
  user_id?: string;
  title: string;
  message: string;
  type: NotificationItem['type'];
  read: boolean;
  created_at: string | Date;
  movie_id: string | null;
  image: string | null;
}

export const toItem = (row: NotificationRow): NotificationItem => ({
  id: row.id,
  title: row.title,
  message: row.message,
  type: row.type,
  read: row.read === true,
  created_at: new Date(row.created_at).toISOString(),
  movie_id: row.movie_id ?? null,
  image: row.image ?? null,
});

/** Serializes writers per user (held until the transaction ends). */
export async function lockUser(em: Em, userId: string): Promise<void> {
  await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 7))`, [userId]);
}

export async function unreadState(em: Em, userId: string): Promise<UnreadState> {
  const [row] = await em.execute<{ n: number; seq: number }[]>(
    `select count(*)::int as n, floor(extract(epoch from clock_timestamp()) * 1000000)::float8 as seq
     from user_notifications where user_id = ? and not read`,
    [userId],
  );
  return { unread_count: Number(row.n), seq: Number(row.seq) };
}

export const notificationMessage = (notification: NotificationItem, state: UnreadState) =>
  JSON.stringify({ type: 'notification', notification, unread_count: state.unread_count, seq: state.seq });

export const unreadMessage = (state: UnreadState) =>
  JSON.stringify({ type: 'unread_count', unread_count: state.unread_count, seq: state.seq });

/** Pushes without ever failing the caller: the row is stored, and a client catches up on reconnect. */
export async function push(deps: NotifyDeps, items: Array<{ userId: string; message: string }>): Promise<void> {
  if (!deps.realtime || items.length === 0) return;
  try {
    await deps.realtime.publishMany(items);
  } catch (err) {
    deps.log?.warn({ err }, 'real-time publish failed');
  }
}

function validate(input: NewNotification) {
  if (!input.title.trim() || input.title.length > 200)
    throw new AppError('INVALID_REQUEST', 'A notification title has 1 to 200 characters');
  if (!input.message.trim() || input.message.length > 2000)
    throw new AppError('INVALID_REQUEST', 'A notification message has 1 to 2000 characters');
}

/**
 * Stores one notification for a user and pushes it with the new unread count. Returns null when the
 * dedupe_key was already used for this user (nothing stored, nothing pushed).
 */
export async function createNotification(
  deps: NotifyDeps,
  userId: string,
  input: NewNotification,
): Promise<(NotificationItem & UnreadState) | null> {
  validate(input);
  const result = await deps.em.transactional(async (tx) => {
    const em = tx as Em;
    await lockUser(em, userId);
    const rows = await em.execute<NotificationRow[]>(
      `insert into user_notifications (id, user_id, type, title, message, image, movie_id, dedupe_key)
       values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning ${COLUMNS}`,
      [
        crypto.randomUUID(),
        userId,
        input.type,
        input.title,
        input.message,
        input.image ?? null,
        input.movie_id ?? null,
        input.dedupe_key ?? null,
      ],
    );
    if (rows.length === 0) return null;
    return { item: toItem(rows[0]), state: await unreadState(em, userId) };
  });
  if (!result) return null;
  await push(deps, [{ userId, message: notificationMessage(result.item, result.state) }]);
  return { ...result.item, ...result.state };
}

export interface ListOptions {
  page: number;
  limit: number;
  unread_only?: boolean;
}

export async function listNotifications(deps: { em: Em }, userId: string, options: ListOptions) {
  const { page, limit } = options;
  const unreadOnly = options.unread_only === true;
  const [counts] = await deps.em.execute<{ total: number; unread: number }[]>(
    `select count(*)::int as total, (count(*) filter (where not read))::int as unread from user_notifications where user_id = ?`,
    [userId],
  );
  const rows = await deps.em.execute<NotificationRow[]>(
    `select ${COLUMNS} from user_notifications where user_id = ? ${unreadOnly ? 'and not read' : ''}
     order by created_at desc, id desc limit ? offset ?`,
    [userId, limit, (page - 1) * limit],
  );
  const unread = Number(counts.unread);
  const total = unreadOnly ? unread : Number(counts.total);
  return {
    notifications: rows.map(toItem),
    unread_count: unread,
    pagination: { page, limit, total, total_pages: Math.ceil(total / limit) },
  };
}

/**
 * Marks the caller's notifications read. Ids that are unknown, already read or another user's are ignored
 * (never a 404, so ids of other accounts cannot be probed); calling it twice changes nothing the second
 * time. ids undefined marks every unread notification. Returns how many changed and the new unread count.
 */
export async function markRead(
  deps: NotifyDeps,
  userId: string,
  ids: string | string[] | undefined,
): Promise<{ updated: number } & UnreadState> {
  const list = ids === undefined ? undefined : [...new Set(Array.isArray(ids) ? ids : [ids])];
  if (list && list.length > 100) throw new AppError('INVALID_REQUEST', 'At most 100 notification ids at once');
  const result = await deps.em.transactional(async (tx) => {
    const em = tx as Em;
    await lockUser(em, userId);
    let updated = 0;
    if (list === undefined || list.length > 0) {
      const filter = list === undefined ? '' : `and id in (${list.map(() => '?').join(', ')})`;
      const rows = await em.execute<{ id: string }[]>(
        `update user_notifications set read = true, read_at = now() where user_id = ? and not read ${filter} returning id`,
        [userId, ...(list ?? [])],
      );
      updated = rows.length;
    }
    return { updated, state: await unreadState(em, userId) };
  });
  // Other tabs and devices only need to hear about a change.
  if (result.updated > 0) await push(deps, [{ userId, message: unreadMessage(result.state) }]);
  return { updated: result.updated, ...result.state };
}
