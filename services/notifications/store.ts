// One user's notifications: create, list with unread count, mark read, and the messages pushed to the
// user's sockets (the SQL is in repositories/notifications.ts). Every write for a user holds that user's advisory lock and reads the unread
// count inside the same transaction, so each pushed count is exact for the state its write produced.
import type { Static } from '@sinclair/typebox';
import {
  insertNotification,
  lockUser,
  markNotificationsRead,
  type NotificationRow,
  notificationCounts,
  notificationPage,
  unreadCount,
} from '../../repositories/notifications.ts';
import type { NotificationsQuery } from '../../schemas/notifications.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { NewNotification, NotificationItem, NotifyDeps, UnreadState } from './types.ts';

export const toItem = (row: NotificationRow): NotificationItem => ({
  id: row.id,
  title: row.title,
  message: row.message,
  type: row.type,
  read: row.read,
  created_at: row.created_at.toISOString(),
  movie_id: row.movie_id,
  image: row.image,
});

/** The unread count of a user now, with its sequence (read inside a writer's transaction to be exact). */
export const unreadState = (em: Em, userId: string): Promise<UnreadState> => unreadCount(em, userId);

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
    const row = await insertNotification(em, {
      user_id: userId,
      type: input.type,
      title: input.title,
      message: input.message,
      image: input.image ?? null,
      movie_id: input.movie_id ?? null,
      dedupe_key: input.dedupe_key ?? null,
    });
    if (!row) return null;
    return { item: toItem(row), state: await unreadState(em, userId) };
  });
  if (!result) return null;
  await push(deps, [{ userId, message: notificationMessage(result.item, result.state) }]);
  return { ...result.item, ...result.state };
}

/** GET /profile/notifications' query; unread_only may be left out by other callers. */
export type ListOptions = Omit<Static<typeof NotificationsQuery>, 'unread_only'> &
  Partial<Pick<Static<typeof NotificationsQuery>, 'unread_only'>>;

export async function listNotifications(deps: { em: Em }, userId: string, options: ListOptions) {
  const { page, limit } = options;
  const unreadOnly = options.unread_only === true;
  const counts = await notificationCounts(deps.em, userId);
  const rows = await notificationPage(deps.em, userId, { limit, offset: (page - 1) * limit, unreadOnly });
  const unread = counts.unread;
  const total = unreadOnly ? unread : counts.total;
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
    const updated = list === undefined || list.length > 0 ? await markNotificationsRead(em, userId, list) : 0;
    return { updated, state: await unreadState(em, userId) };
  });
  // Other tabs and devices only need to hear about a change.
  if (result.updated > 0) await push(deps, [{ userId, message: unreadMessage(result.state) }]);
  return { updated: result.updated, ...result.state };
}
