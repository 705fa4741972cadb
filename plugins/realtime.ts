// Real time: the pub/sub hub (Redis pub/sub on a dedicated subscriber connection when REDIS_URL is set,
// in-process otherwise), @fastify/websocket, and the socket route GET /api/v1/ws. Notification services
// publish through app.realtime; the gateway relays each user's messages to that user's sockets here.
import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AppError } from '../services/errors.ts';
import { isSessionActive } from '../services/auth/session-state.ts';
import type { AccessClaims } from '../services/deps.ts';
import { createMemoryHub, createRedisHub, type Hub } from '../services/realtime/hub.ts';
import { createGateway, MAX_FRAME_BYTES, type Gateway, type SocketIdentity } from '../services/realtime/gateway.ts';
import { unreadState } from '../services/notifications/store.ts';
import { limitMessages } from '../services/realtime/message-budget.ts';

declare module 'fastify' {
  interface FastifyInstance {
    realtime: Hub & { gateway: Gateway; authenticate(token: string): Promise<SocketIdentity> };
  }
}

const TOKEN = /^[A-Za-z0-9_.-]{10,4096}$/;
const GRAPHQL_PROTOCOLS = ['graphql-transport-ws', 'graphql-ws'];

/** The token sent with the upgrade: `?token=` or `Sec-WebSocket-Protocol: bearer, <token>`. */
function upgradeToken(request: FastifyRequest): string | null {
  const query = (request.query as { token?: string }).token;
  if (query) return query;
  const offered = String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((s) => s.trim());
  const at = offered.indexOf('bearer');
  return at >= 0 && offered[at + 1] ? offered[at + 1] : null;
}

export default fp(
  async (app) => {
    const { config } = app;
    const hub = config.REDIS_URL
      ? createRedisHub({
          publisher: app.redis,
          subscriber: app.redis.duplicate(),
          prefix: config.REDIS_KEY_PREFIX,
          onError: (err) => app.log.warn({ err }, 'redis subscriber error'),
        })
      : createMemoryHub();

    const authenticate = async (token: string): Promise<SocketIdentity> => {
      if (!TOKEN.test(token)) throw new AppError('UNAUTHORIZED', 'Invalid token');
      // Expiry is checked here rather than by the verifier so the socket can also learn when to close.
      const claims = app.tokens.verifyAccessIgnoringExpiry(token) as AccessClaims & { exp: number };
      if (claims.exp * 1000 <= Date.now()) throw new AppError('TOKEN_EXPIRED', 'The token has expired');
      if (!(await isSessionActive({ em: app.em(), cache: app.cache, clock: app.clock }, claims.session_id)))
        throw new AppError('UNAUTHORIZED', 'The session has ended');
      return { userId: claims.user_id, sessionId: claims.session_id, expiresAt: claims.exp * 1000 };
    };

    const gateway = createGateway({
      hub,
      authenticate,
      sessionActive: (sessionId) => isSessionActive({ em: app.em(), cache: app.cache, clock: app.clock }, sessionId),
      unreadState: (userId) => unreadState(app.em(), userId),
      heartbeatMs: config.WS_HEARTBEAT_MS,
      authTimeoutMs: config.WS_AUTH_TIMEOUT_MS,
      maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
      maxPerUser: config.WS_MAX_CONNECTIONS_PER_USER,
      log: app.log,
    });
    app.decorate('realtime', Object.assign(hub, { gateway, authenticate }));

    // Registered before @fastify/websocket's own preClose, so clients get a 1001 "going away" first.
    app.addHook('preClose', async () => gateway.close());
    app.addHook('onClose', async () => hub.close());

    await app.register(websocket, {
      options: {
        maxPayload: MAX_FRAME_BYTES,
        // The client offers ["bearer", <token>]; only "bearer" is echoed back, never the token. GraphQL
        // subscriptions (/api/v1/graphql, routes/graphql) share this server and speak graphql-transport-ws.
        handleProtocols: (protocols: Set<string>) =>
          protocols.has('bearer') ? 'bearer' : (GRAPHQL_PROTOCOLS.find((p) => protocols.has(p)) ?? false),
      },
    });

    // Every socket of this server, GraphQL subscriptions included, has one message budget.
    const budget = { max: config.WS_MAX_MESSAGES, windowMs: config.WS_MESSAGE_WINDOW_MS, log: app.log };
    app.websocketServer.on('connection', (socket: import('ws').WebSocket) => limitMessages(socket, budget));

    const identities = new WeakMap<object, SocketIdentity>();
    app.get(
      '/api/v1/ws',
      {
        websocket: true,
        schema: { querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 4096 })) }) },
        // A token sent with the upgrade is checked before it: a bad one gets a plain 401, no socket.
        preValidation: async (request) => {
          const token = upgradeToken(request);
          if (token) identities.set(request.raw, await authenticate(token));
        },
      },
      (socket, request) => {
        gateway.accept(socket, identities.get(request.raw) ?? null);
      },
    );
  },
  { name: 'realtime', dependencies: ['config', 'db', 'cache', 'auth'] },
);
