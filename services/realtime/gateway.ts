// The WebSocket gateway: authenticates each socket (token at the upgrade or a first `auth` message), caps
// sockets per user, relays the user's hub messages, and drops what must not linger: peers that miss a pong,
// slow readers whose send buffer passes the bound, sockets whose session ended or whose token expired. The
// message budget of every socket is message-budget.ts, applied by the realtime plugin before this sees it.
import type { WebSocket } from 'ws';
import type { Logger } from '../deps.ts';
import type { Hub } from './hub.ts';
import { TOO_MANY_MESSAGES } from './message-budget.ts';

/** Close codes sent to clients (documented in the README). */
export const CLOSE = {
  goingAway: 1001,
  badMessage: 4000,
  unauthorized: 4001,
  authTimeout: 4008,
  slowConsumer: 4009,
  tooManyConnections: 4029,
  tooManyMessages: TOO_MANY_MESSAGES,
} as const;

/** The largest frame a client may send; ws closes the socket with 1009 past it. */
export const MAX_FRAME_BYTES = 64 * 1024;

export interface SocketIdentity {
  userId: string;
  sessionId: string;
  /** Token expiry, ms since the epoch. */
  expiresAt: number;
}

/** What a gateway extension sees of one authenticated socket. */
export interface SocketHandle {
  readonly userId: string;
  /** Sends one serialized message to this socket (the slow-reader bound applies). */
  send(message: string): void;
}

/** Handles the messages whose type starts with the prefix it is registered under (`party.` ...). */
export interface GatewayExtension {
  message(socket: SocketHandle, msg: { type: string } & Record<string, unknown>): Promise<void>;
  /** The socket closed; called once per socket that sent this extension a message. */
  closed(socket: SocketHandle): void;
}

export interface GatewayOptions {
  hub: Hub;
  /** Verifies an access token (type, signature, expiry, active session); throws when it is not good. */
  authenticate(token: string): Promise<SocketIdentity>;
  sessionActive(sessionId: string): Promise<boolean>;
  unreadState(userId: string): Promise<{ unread_count: number; seq: number }>;
  heartbeatMs: number;
  authTimeoutMs: number;
  maxBufferedBytes: number;
  maxPerUser: number;
  log: Logger;
}

interface Conn {
  socket: WebSocket;
  identity: SocketIdentity | null;
  alive: boolean;
  /** Messages that arrive between subscribing and the hello are held (bounded), then flushed in order. */
  held: string[] | null;
  unsubscribe?: () => Promise<void>;
  handle?: SocketHandle;
  /** The extensions this socket has talked to, told when it closes. */
  extensions?: Set<GatewayExtension>;
  expiry?: NodeJS.Timeout;
  authTimer?: NodeJS.Timeout;
}

const MAX_HELD = 100;

export function createGateway(options: GatewayOptions) {
  const { hub, log } = options;
  const conns = new Set<Conn>();
  const byUser = new Map<string, Set<Conn>>();
  const extensions: Array<[string, GatewayExtension]> = [];

  function close(conn: Conn, code: number, reason: string) {
    if (conn.socket.readyState === conn.socket.CLOSED || conn.socket.readyState === conn.socket.CLOSING) return;
    conn.socket.close(code, reason);
    // A peer that never answers the close handshake must not keep the socket open.
    setTimeout(() => conn.socket.terminate(), 2000).unref();
  }

  function send(conn: Conn, message: string) {
    if (conn.held) {
      if (conn.held.length >= MAX_HELD) return drop(conn, 'too many messages before hello');
      conn.held.push(message);
      return;
    }
    if (conn.socket.readyState !== conn.socket.OPEN) return;
    if (conn.socket.bufferedAmount + Buffer.byteLength(message) > options.maxBufferedBytes)
      return drop(conn, 'slow consumer');
    conn.socket.send(message);
  }

  function drop(conn: Conn, why: string) {
    log.warn({ user_id: conn.identity?.userId, why }, 'websocket dropped');
    // The buffer is full, so a close frame would wait behind it: cut the connection.
    conn.socket.terminate();
  }

  function cleanup(conn: Conn) {
    conns.delete(conn);
    clearTimeout(conn.expiry);
    clearTimeout(conn.authTimer);
    if (conn.identity) {
      const set = byUser.get(conn.identity.userId);
      set?.delete(conn);
      if (set?.size === 0) byUser.delete(conn.identity.userId);
    }
    conn.unsubscribe?.().catch((err) => log.warn({ err }, 'hub unsubscribe failed'));
    conn.unsubscribe = undefined;
    for (const ext of conn.extensions ?? []) ext.closed(conn.handle!);
    conn.extensions = undefined;
  }

  function extend(conn: Conn, type: string, msg: { type: string }) {
    const ext = extensions.find(([prefix]) => type.startsWith(prefix))?.[1];
    if (!ext || !conn.identity) return;
    const userId = conn.identity.userId;
    conn.handle ??= { userId, send: (message) => send(conn, message) };
    (conn.extensions ??= new Set()).add(ext);
    void ext.message(conn.handle, msg).catch((err) => log.warn({ err }, 'websocket extension failed'));
  }

  function armExpiry(conn: Conn) {
    clearTimeout(conn.expiry);
    const ms = Math.max(0, conn.identity!.expiresAt - Date.now());
    conn.expiry = setTimeout(() => close(conn, CLOSE.unauthorized, 'token expired'), ms);
    conn.expiry.unref();
  }

  async function start(conn: Conn, identity: SocketIdentity) {
    clearTimeout(conn.authTimer);
    const mine = byUser.get(identity.userId) ?? new Set<Conn>();
    if (mine.size >= options.maxPerUser) return close(conn, CLOSE.tooManyConnections, 'too many connections');
    conn.identity = identity;
    mine.add(conn);
    byUser.set(identity.userId, mine);
    armExpiry(conn);
    conn.held = [];
    const unsubscribe = await hub.subscribe(identity.userId, (message) => send(conn, message));
    if (!conns.has(conn)) return void unsubscribe(); // closed while subscribing
    conn.unsubscribe = unsubscribe;
    // Read after subscribing, so no notification falls between the count and the stream.
    const state = await options.unreadState(identity.userId);
    const held = conn.held ?? [];
    conn.held = null;
    send(
      conn,
      JSON.stringify({
        type: 'hello',
        user_id: identity.userId,
        unread_count: state.unread_count,
        seq: state.seq,
        expires_at: new Date(identity.expiresAt).toISOString(),
      }),
    );
    for (const message of held) send(conn, message);
  }

  async function onMessage(conn: Conn, raw: string) {
    let msg: { type?: unknown; token?: unknown };
    try {
      msg = JSON.parse(raw);
    } catch {
      return close(conn, CLOSE.badMessage, 'messages are JSON');
    }
    if (msg?.type === 'ping') return send(conn, JSON.stringify({ type: 'pong' }));
    if (msg?.type !== 'auth') {
      if (!conn.identity) close(conn, CLOSE.unauthorized, 'authenticate first');
      else if (typeof msg?.type === 'string') extend(conn, msg.type, msg as { type: string });
      return;
    }
    if (typeof msg.token !== 'string') return close(conn, CLOSE.unauthorized, 'invalid token');
    let identity: SocketIdentity;
    try {
      identity = await options.authenticate(msg.token);
    } catch (err) {
      return close(conn, CLOSE.unauthorized, (err as Error).message.slice(0, 100));
    }
    if (!conn.identity) return start(conn, identity);
    // A fresh token for the same account extends a live socket past the old token's expiry.
    if (identity.userId !== conn.identity.userId) return close(conn, CLOSE.unauthorized, 'a socket serves one account');
    conn.identity = identity;
    armExpiry(conn);
    send(conn, JSON.stringify({ type: 'reauthenticated', expires_at: new Date(identity.expiresAt).toISOString() }));
  }

  async function heartbeat() {
    const sessions = new Map<string, Conn[]>();
    for (const conn of conns) {
      if (!conn.alive) {
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
      if (conn.identity)
        sessions.set(conn.identity.sessionId, [...(sessions.get(conn.identity.sessionId) ?? []), conn]);
    }
    // One look-up per session (cached), so logout and password changes reach open sockets within a beat.
    await Promise.all(
      [...sessions].map(async ([sessionId, list]) => {
        const active = await options.sessionActive(sessionId).catch(() => true);
        if (!active) for (const conn of list) close(conn, CLOSE.unauthorized, 'session ended');
      }),
    );
  }

  const timer = setInterval(
    () => void heartbeat().catch((err) => log.warn({ err }, 'websocket heartbeat failed')),
    options.heartbeatMs,
  );
  timer.unref();

  return {
    /** Takes over an upgraded socket; identity is set when the token came with the upgrade. */
    accept(socket: WebSocket, identity: SocketIdentity | null) {
      const conn: Conn = { socket, identity: null, alive: true, held: null };
      conns.add(conn);
      socket.on('pong', () => void (conn.alive = true));
      socket.on('message', (data, isBinary) => {
        conn.alive = true;
        // Nothing more is read from a socket being closed (past its message budget, say).
        if (socket.readyState !== socket.OPEN) return;
        if (isBinary) return close(conn, CLOSE.badMessage, 'messages are JSON text');
        void onMessage(conn, data.toString()).catch((err) => log.warn({ err }, 'websocket message failed'));
      });
      socket.on('close', () => cleanup(conn));
      socket.on('error', () => cleanup(conn));
      if (identity) {
        void start(conn, identity).catch((err) => {
          log.warn({ err }, 'websocket start failed');
          close(conn, 1011, 'internal error');
        });
      } else {
        conn.authTimer = setTimeout(
          () => !conn.identity && close(conn, CLOSE.authTimeout, 'authentication timeout'),
          options.authTimeoutMs,
        );
        conn.authTimer.unref();
      }
    },
    /** Routes authenticated sockets' messages whose type starts with prefix to the extension. */
    use(prefix: string, extension: GatewayExtension) {
      extensions.push([prefix, extension]);
    },
    connections: () => conns.size,
    connectionsOf: (userId: string) => byUser.get(userId)?.size ?? 0,
    /** Closes every socket (1001) and stops the heartbeat: the app is shutting down. */
    async close() {
      clearInterval(timer);
      for (const conn of conns) {
        close(conn, CLOSE.goingAway, 'server shutting down');
        cleanup(conn);
      }
    },
  };
}

export type Gateway = ReturnType<typeof createGateway>;
