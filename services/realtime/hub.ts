// The pub/sub hub behind real-time delivery: per-user channels carrying already-serialized JSON messages.
// Redis pub/sub when configured (any instance's publish reaches sockets on every instance), an in-process
// EventEmitter otherwise. Each instance subscribes only to the users that have a socket on it.
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

export type Listener = (message: string) => void;

export interface Hub {
  /** Sends one serialized message to every socket of the user, on every instance. */
  publish(userId: string, message: string): Promise<void>;
  publishMany(items: Array<{ userId: string; message: string }>): Promise<void>;
  /** Starts delivering the user's messages to listener; resolves once the subscription is live. */
  subscribe(userId: string, listener: Listener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export function createMemoryHub(): Hub {
  const emitter = new EventEmitter();
  // One listener per socket; the per-user connection cap bounds them, not EventEmitter's warning.
  emitter.setMaxListeners(0);
  return {
    async publish(userId, message) {
      emitter.emit(userId, message);
    },
    async publishMany(items) {
      for (const { userId, message } of items) emitter.emit(userId, message);
    },
    async subscribe(userId, listener) {
      emitter.on(userId, listener);
      return async () => void emitter.off(userId, listener);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

export function createRedisHub(options: {
  publisher: Redis;
  subscriber: Redis;
  prefix: string;
  onError?: (err: unknown) => void;
}): Hub {
  const { publisher, subscriber } = options;
  const base = `${options.prefix}rt:u:`;
  const local = new Map<string, Set<Listener>>();
  // The SUBSCRIBE in flight per user, so a second socket of the same user also waits until it is live.
  const pending = new Map<string, Promise<unknown>>();

  subscriber.on('message', (channel: string, message: string) => {
    if (!channel.startsWith(base)) return;
    const listeners = local.get(channel.slice(base.length));
    if (!listeners) return;
    for (const listener of listeners) listener(message);
  });
  // ioredis re-subscribes by itself after a reconnect; errors are only logged so the API keeps serving.
  subscriber.on('error', (err) => options.onError?.(err));

  return {
    async publish(userId, message) {
      await publisher.publish(base + userId, message);
    },
    async publishMany(items) {
      if (items.length === 0) return;
      const pipeline = publisher.pipeline();
      for (const { userId, message } of items) pipeline.publish(base + userId, message);
      await pipeline.exec();
    },
    async subscribe(userId, listener) {
      let set = local.get(userId);
      if (!set) {
        set = new Set();
        local.set(userId, set);
      }
      set.add(listener);
      if (set.size === 1) {
        const live = subscriber.subscribe(base + userId).finally(() => pending.delete(userId));
        pending.set(userId, live);
      }
      await pending.get(userId);
      return async () => {
        const current = local.get(userId);
        if (!current?.delete(listener) || current.size > 0) return;
        local.delete(userId);
        await subscriber.unsubscribe(base + userId).catch((err) => options.onError?.(err));
      };
    },
    async close() {
      local.clear();
      subscriber.disconnect();
    },
  };
}
