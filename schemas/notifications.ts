// Schemas of /profile/notifications (seed 003's NOTIFICATION_LIST) and the admin broadcast.
import { Type, type Static } from '@sinclair/typebox';
import { Pagination, Uuid, envelope, pageQuery, ref } from './common.ts';

export const NotificationType = Type.Union(
  [
    Type.Literal('movie_added'),
    Type.Literal('movie_recommendation'),
    Type.Literal('system_update'),
    Type.Literal('favorite_update'),
  ],
  {
    description:
      '`movie_added`: a new title in a followed genre; ' +
      '`favorite_update`: a new season or episode of a favourite; ' +
      '`movie_recommendation`: the periodic digest; `system_update`: an admin broadcast',
  },
);

export const NotificationSchema = Type.Object(
  {
    id: Uuid,
    title: Type.String({ examples: ['New Movie Added'] }),
    message: Type.String({ examples: ["A new movie 'The Dark Knight' has been added in a genre you follow"] }),
    type: NotificationType,
    read: Type.Boolean(),
    created_at: Type.String({ format: 'date-time' }),
    movie_id: Type.Union([Type.String(), Type.Null()], { description: 'Content id of the title it is about, if any' }),
    image: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Notification', description: 'A notification of the account (also pushed over the WebSocket)' },
);
export const Notification = ref(NotificationSchema);
export type Notification = Static<typeof Notification>;

export const NotificationsQuery = Type.Object(
  {
    ...pageQuery(50),
    unread_only: Type.Boolean({
      default: false,
      description: 'Only unread notifications (then `total` counts unread ones)',
    }),
  },
  { additionalProperties: false },
);

const UnreadCount = Type.Integer({ minimum: 0, description: 'Unread notifications of the account' });

export const NotificationsResponse = envelope(
  Type.Object({ notifications: Type.Array(Notification), unread_count: UnreadCount, pagination: Pagination }),
);

export const MarkReadBody = Type.Object(
  {
    notification_id: Type.Union([Uuid, Type.Array(Uuid, { minItems: 1, maxItems: 100 })], {
      description: 'One id or up to 100. Ids that are unknown, already read or not yours are ignored.',
      examples: ['7a4c2f0e-5b1d-4c8e-9f3a-2d6b8e1c0a9f'],
    }),
  },
  { additionalProperties: false },
);

export const MarkReadResponse = envelope(
  Type.Object({
    updated: Type.Integer({ minimum: 0, description: 'Notifications that changed from unread to read by this call' }),
    unread_count: UnreadCount,
  }),
);

export const BroadcastBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200, examples: ['Scheduled maintenance'] }),
    message: Type.String({
      minLength: 1,
      maxLength: 2000,
      examples: ['Streaming pauses for 10 minutes at 02:00 UTC.'],
    }),
    audience: Type.Optional(
      Type.Union([Type.Literal('all'), Type.Literal('users'), Type.Literal('admins')], {
        default: 'all',
        description: 'Every account, or only users, or only admins',
      }),
    ),
    image: Type.Optional(Type.String({ maxLength: 1000, pattern: '^https?://' })),
    movie_id: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  },
  { additionalProperties: false },
);

export const BroadcastSchema = Type.Object(
  {
    id: Uuid,
    title: Type.String(),
    message: Type.String(),
    audience: Type.Union([Type.Literal('all'), Type.Literal('users'), Type.Literal('admins')]),
    status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
    recipients: Type.Integer({ minimum: 0, description: 'Notifications delivered so far' }),
    created_at: Type.String({ format: 'date-time' }),
    finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'Broadcast', description: 'An admin broadcast and its delivery state' },
);
export const Broadcast = ref(BroadcastSchema);
export type Broadcast = Static<typeof Broadcast>;

export const BroadcastResponse = envelope(Type.Object({ broadcast: Broadcast }));
export const BroadcastParams = Type.Object({ id: Uuid });
