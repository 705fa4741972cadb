// The message budget of one WebSocket: at most `max` messages per fixed window of `windowMs` (from the
// window's first message); past it the socket is closed with 4030. Applied to every socket of the server
// (notifications, watch parties, GraphQL subscriptions), since each message may cost a token check, a
// subscription or a database write.
import type { WebSocket } from 'ws';
import type { Logger } from '../deps.ts';

export const TOO_MANY_MESSAGES = 4030;

export interface MessageBudget {
  max: number;
  windowMs: number;
  log: Logger;
}

/** Counts the socket's messages; registered before any other listener, so it sees each message first. */
export function limitMessages(socket: WebSocket, budget: MessageBudget): void {
  let windowStart = Date.now();
  let received = 0;
  socket.on('message', () => {
    if (socket.readyState !== socket.OPEN) return;
    const now = Date.now();
    if (now - windowStart >= budget.windowMs) {
      windowStart = now;
      received = 0;
    }
    received += 1;
    if (received <= budget.max) return;
    budget.log.warn({ messages: received }, 'websocket closed: too many messages');
    socket.close(TOO_MANY_MESSAGES, 'too many messages');
    // A peer that never answers the close handshake must not keep the socket open.
    setTimeout(() => socket.terminate(), 2000).unref();
  });
}
