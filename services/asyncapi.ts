// The AsyncAPI 3 document of the WebSocket at /api/v1/ws: the messages of schemas/realtime.ts, who sends
// which, how a socket authenticates and why it is closed. Served at /api/docs/asyncapi.json, committed as
// asyncapi.json (npm run asyncapi); test/asyncapi.test.ts fails when the committed file is stale.
import type { TSchema } from '@sinclair/typebox';
import { clientMessages, serverMessages } from '../schemas/realtime.ts';
import { CLOSE } from './realtime/gateway.ts';

const titles: Record<string, string> = {
  hello: 'Hello',
  notification: 'New notification',
  unread_count: 'Unread count',
  reauthenticated: 'Token renewed',
  pong: 'Pong',
  auth: 'Authenticate',
  ping: 'Ping',
};

const closeCodes: Record<keyof typeof CLOSE, string> = {
  goingAway: 'the server is shutting down: reconnect',
  badMessage: 'a message was not JSON text',
  unauthorized: 'missing, invalid or expired token, ended session, or a token of another account',
  authTimeout: 'no `auth` message in time after opening without a token',
  slowConsumer: 'the client read too slowly (send buffer over WS_MAX_BUFFERED_BYTES)',
  tooManyConnections: 'more sockets than WS_MAX_CONNECTIONS_PER_USER for the account',
};

/** A message name as a component key: `unread_count` is `unreadCount`. */
const key = (name: string) => name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
const plain = (schema: TSchema) => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

export function asyncApi(version: string) {
  const all = { ...serverMessages, ...clientMessages };
  const messages = Object.fromEntries(
    Object.entries(all).map(([name, schema]) => [
      key(name),
      {
        name,
        title: titles[name] ?? name,
        summary: schema.description,
        contentType: 'application/json',
        payload: { $ref: `#/components/schemas/${key(name)}` },
      },
    ]),
  );
  const schemas = Object.fromEntries(Object.entries(all).map(([name, schema]) => [key(name), plain(schema)]));
  const channelMessages = Object.fromEntries(
    Object.keys(all).map((name) => [key(name), { $ref: `#/components/messages/${key(name)}` }]),
  );
  const operation = (action: 'send' | 'receive', name: string) => ({
    action,
    title: titles[name],
    description: all[name as keyof typeof all].description,
    channel: { $ref: '#/channels/notifications' },
    messages: [{ $ref: `#/channels/notifications/messages/${key(name)}` }],
  });
  const operations: Record<string, ReturnType<typeof operation>> = Object.fromEntries([
    ...Object.keys(serverMessages).map((name) => [`send${key(`_${name}`)}`, operation('send', name)]),
    ...Object.keys(clientMessages).map((name) => [`receive${key(`_${name}`)}`, operation('receive', name)]),
  ]);
  const closeList = Object.entries(CLOSE)
    .map(([name, code]) => `\`${code}\` ${closeCodes[name as keyof typeof CLOSE]}`)
    .join('; ');
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'Cinemate real-time notifications',
      version,
      description:
        'A WebSocket that pushes the signed-in account’s notifications and unread count as they happen. ' +
        'Authenticate with the access token in the `token` query parameter, in `Sec-WebSocket-Protocol: bearer, <token>`, ' +
        'or in a first `auth` message. Frames are JSON text. Close codes: ' +
        `${closeList}.`,
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
      contact: { name: 'Cinemate' },
      tags: [{ name: 'notifications', description: 'The account’s notifications, pushed live' }],
    },
    defaultContentType: 'application/json',
    servers: {
      api: {
        host: '{host}',
        protocol: 'ws',
        description: 'The API server (wss behind TLS)',
        variables: { host: { default: 'localhost:3000', description: 'Host and port of the API' } },
        security: [{ $ref: '#/components/securitySchemes/accessToken' }],
      },
    },
    channels: {
      notifications: {
        address: '/api/v1/ws',
        title: 'Notifications of the account',
        messages: channelMessages,
        bindings: {
          ws: {
            method: 'GET',
            query: {
              type: 'object',
              properties: { token: { type: 'string', maxLength: 4096, description: 'An access token' } },
            },
            bindingVersion: '0.1.0',
          },
        },
      },
    },
    operations,
    components: {
      messages,
      schemas,
      securitySchemes: {
        accessToken: {
          type: 'httpApiKey',
          name: 'token',
          in: 'query',
          description:
            'The access token of login or signup (or send it in Sec-WebSocket-Protocol or an `auth` message)',
        },
      },
    },
  };
}

/** The committed form: stable key order and formatting. */
export const asyncApiDocument = (version: string): string => `${JSON.stringify(asyncApi(version), null, 2)}\n`;
