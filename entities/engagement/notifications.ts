// Notifications of one user (seed 003's user_notifications, extended) and the admin broadcasts fanned out
// to many; repositories/notifications.ts queries them through the typed builder.
import { defineEntity, p } from '@mikro-orm/core';

export const NOTIFICATION_TYPES = ['movie_added', 'movie_recommendation', 'system_update', 'favorite_update'] as const;
export const AUDIENCES = ['all', 'users', 'admins'] as const;
export const BROADCAST_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

export const UserNotificationSchema = defineEntity({
  name: 'UserNotification',
  tableName: 'user_notifications',
  // The list (newest first, stable on ties), the unread count (unread rows only), and one row per dedupe key.
  indexes: [
    {
      name: 'user_notifications_user_created_idx',
      columns: [{ name: 'user_id' }, { name: 'created_at', sort: 'desc' }, { name: 'id', sort: 'desc' }],
    },
    {
      name: 'user_notifications_unread_idx',
      columns: [{ name: 'user_id' }, { name: 'created_at', sort: 'desc' }],
      where: 'not read',
    },
  ],
  uniques: [
    { name: 'user_notifications_dedupe_uq', properties: ['userId', 'dedupeKey'], where: 'dedupe_key is not null' },
  ],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    type: p.enum(NOTIFICATION_TYPES).columnType('varchar(24)').default('movie_added'),
    title: p.string().length(200),
    message: p.text(),
    image: p.text().nullable(),
    movieId: p.string().length(50).nullable(),
    read: p.boolean().default(false),
    readAt: p.datetime().nullable(),
    dedupeKey: p.string().length(120).nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export class UserNotification extends UserNotificationSchema.class {}
UserNotificationSchema.setClass(UserNotification);

export const NotificationBroadcastSchema = defineEntity({
  name: 'NotificationBroadcast',
  tableName: 'notification_broadcasts',
  indexes: [{ name: 'notification_broadcasts_created_idx', columns: [{ name: 'created_at', sort: 'desc' }] }],
  properties: {
    id: p.uuid().primary(),
    adminId: p.uuid().nullable(),
    title: p.string().length(200),
    message: p.text(),
    image: p.text().nullable(),
    movieId: p.string().length(50).nullable(),
    audience: p.enum(AUDIENCES).columnType('varchar(10)').default('all'),
    status: p.enum(BROADCAST_STATUSES).columnType('varchar(10)').default('queued'),
    cursorUserId: p.uuid().nullable(),
    recipients: p.integer().default(0),
    createdAt: p.datetime().defaultRaw('now()'),
    finishedAt: p.datetime().nullable(),
  },
});
export class NotificationBroadcast extends NotificationBroadcastSchema.class {}
NotificationBroadcastSchema.setClass(NotificationBroadcast);
