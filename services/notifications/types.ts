// Notification shapes shared by the store, the generators, the routes and the WebSocket protocol.
import type { Static } from '@sinclair/typebox';
import { NOTIFICATION_TYPES } from '../../entities/engagement/notifications.ts';
import type { Notification } from '../../schemas/notifications.ts';
import type { Em } from '../db/orm.ts';
import type { Logger } from '../deps.ts';

export { NOTIFICATION_TYPES };
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** One item of seed 003's NOTIFICATION_LIST. */
export type NotificationItem = Static<typeof Notification>;

export interface NewNotification {
  type: NotificationType;
  title: string;
  message: string;
  movie_id?: string | null;
  image?: string | null;
  /** Same key for the same user → stored once (generators use it to stay idempotent). */
  dedupe_key?: string | null;
}

/** Where real-time messages go: the hub of services/realtime (publish is fire-and-forget for callers). */
export interface Publisher {
  publish(userId: string, message: string): Promise<void>;
  publishMany(items: Array<{ userId: string; message: string }>): Promise<void>;
}

/**
 * What the notification services take. `realtime` is optional: without it notifications are stored and
 * listed but not pushed (pass `app.realtime` from Fastify code, the hub from anywhere else).
 */
export interface NotifyDeps {
  em: Em;
  realtime?: Publisher | null;
  log?: Logger;
}

/** The unread count of one user at one moment; seq (µs, database clock) orders counts that race. */
export interface UnreadState {
  unread_count: number;
  seq: number;
}
