// The notificationAdded subscription over graphql-transport-ws on /api/v1/graphql: the socket signs in
// with connection_init { authorization: "Bearer <token>" } (or { token }) and then receives the account's
// new notifications as they are published on the real-time hub, from whichever instance created them.
import type { FastifyInstance } from 'fastify';
import type { SocketIdentity } from '../../services/realtime/gateway.ts';
import type { Hub } from '../../services/realtime/hub.ts';
import { AppError } from '../../services/errors.ts';

interface NotificationEvent {
  notification: Record<string, unknown>;
  unread_count: number;
}

/** The hub's messages for one user as an async iterator of notification events (ended by return()). */
export function notificationEvents(hub: Hub, userId: string): AsyncIterableIterator<NotificationEvent> {
  const queue: NotificationEvent[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const live = hub.subscribe(userId, (message) => {
    const parsed = JSON.parse(message) as { type?: string } & NotificationEvent;
    if (parsed.type !== 'notification') return;
    queue.push({ notification: parsed.notification, unread_count: parsed.unread_count });
    wake?.();
  });
  const iterator: AsyncIterableIterator<NotificationEvent> = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      await live;
      while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (done) return { done: true, value: undefined };
      return { done: false, value: queue.shift()! };
    },
    async return() {
      done = true;
      wake?.();
      await (await live)();
      return { done: true, value: undefined };
    },
  };
  return iterator;
}

/** connection_init: the same token check as /api/v1/ws; a socket without a valid one gets connection_error. */
export function onConnect(app: FastifyInstance) {
  return async (data: { payload?: Record<string, unknown> }): Promise<{ subscriber: SocketIdentity } | false> => {
    const payload = data.payload ?? {};
    const header = String(payload.authorization ?? payload.Authorization ?? '');
    const token = /^Bearer (.+)$/.exec(header)?.[1] ?? (typeof payload.token === 'string' ? payload.token : '');
    if (!token) return false;
    try {
      return { subscriber: await app.realtime.authenticate(token) };
    } catch {
      return false;
    }
  };
}

export const subscriptionResolvers = (app: FastifyInstance) => ({
  Subscription: {
    notificationAdded: {
      subscribe: async (_root: unknown, _args: unknown, ctx: { subscriber?: SocketIdentity }) => {
        if (!ctx.subscriber) throw new AppError('UNAUTHORIZED', 'Sign in with connection_init first');
        return notificationEvents(app.realtime, ctx.subscriber.userId);
      },
      resolve: (event: NotificationEvent) => event,
    },
  },
});
