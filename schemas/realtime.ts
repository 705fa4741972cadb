// The messages of the WebSocket at /api/v1/ws (JSON text frames), for the AsyncAPI document and its tests.
import { Type } from '@sinclair/typebox';
import { Uuid } from './common.ts';
import { NotificationSchema } from './notifications.ts';

const UnreadCount = Type.Integer({ minimum: 0, description: 'Unread notifications of the account' });
const Seq = Type.Integer({
  description: 'Orders unread counts that race (database clock, microseconds): keep the count with the highest seq',
});
const ExpiresAt = Type.String({
  format: 'date-time',
  description: 'When the token expires; the socket closes then (4001) unless an `auth` message renews it',
});
const { $id: _id, ...notificationFields } = NotificationSchema;

/** Messages the server sends. */
export const serverMessages = {
  hello: Type.Object(
    {
      type: Type.Literal('hello'),
      user_id: Uuid,
      unread_count: UnreadCount,
      seq: Seq,
      expires_at: ExpiresAt,
    },
    { description: 'First message once the socket is authenticated; nothing is missed between it and the stream' },
  ),
  notification: Type.Object(
    {
      type: Type.Literal('notification'),
      notification: Type.Unsafe(notificationFields),
      unread_count: UnreadCount,
      seq: Seq,
    },
    { description: 'A new notification of the account, with the unread count it makes' },
  ),
  unread_count: Type.Object(
    { type: Type.Literal('unread_count'), unread_count: UnreadCount, seq: Seq },
    { description: 'The unread count changed (notifications read, here or on another device)' },
  ),
  reauthenticated: Type.Object(
    { type: Type.Literal('reauthenticated'), expires_at: ExpiresAt },
    { description: 'A fresh token from an `auth` message now carries the socket' },
  ),
  pong: Type.Object({ type: Type.Literal('pong') }, { description: 'The answer to a `ping`' }),
};

/** Messages a client may send. */
export const clientMessages = {
  auth: Type.Object(
    { type: Type.Literal('auth'), token: Type.String({ description: 'An access token (auth_token of login)' }) },
    {
      description:
        'Authenticates a socket opened without a token (within WS_AUTH_TIMEOUT_MS, else 4008), or renews the token of an authenticated one',
    },
  ),
  ping: Type.Object(
    { type: Type.Literal('ping') },
    { description: 'Application-level keep-alive; answered by `pong`' },
  ),
};
