// The engagement entities, collected for the ORM. Services query these tables with explicit SQL; the
// entities describe them for the ORM's metadata and for any code that prefers the entity manager.
import { defineEntity, p } from '@mikro-orm/core';

export const UserNotificationSchema = defineEntity({
  name: 'UserNotification',
  tableName: 'user_notifications',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    userId: p.uuid(),
    type: p.string().length(24),
    title: p.string().length(200),
    message: p.text(),
    image: p.text().nullable(),
    movieId: p.string().length(50).nullable(),
    read: p.boolean().default(false),
    readAt: p.datetime().nullable(),
    dedupeKey: p.string().length(120).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class UserNotification extends UserNotificationSchema.class {}
UserNotificationSchema.setClass(UserNotification);

export const NotificationBroadcastSchema = defineEntity({
  name: 'NotificationBroadcast',
  tableName: 'notification_broadcasts',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    adminId: p.uuid().nullable(),
    title: p.string().length(200),
    message: p.text(),
    image: p.text().nullable(),
    movieId: p.string().length(50).nullable(),
    audience: p.string().length(10).default('all'),
    status: p.string().length(10).default('queued'),
    cursorUserId: p.uuid().nullable(),
    recipients: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    finishedAt: p.datetime().nullable(),
  },
});
export class NotificationBroadcast extends NotificationBroadcastSchema.class {}
NotificationBroadcastSchema.setClass(NotificationBroadcast);

export const engagementEntities = [UserNotification, NotificationBroadcast];
export type EngagementSchemas = typeof UserNotificationSchema | typeof NotificationBroadcastSchema;
