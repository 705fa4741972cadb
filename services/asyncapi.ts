// The AsyncAPI 3 document of the WebSocket at /api/v1/ws: the messages of schemas/realtime.ts, who sends
// which, how a socket authenticates and why it is closed. Served at /api/docs/asyncapi.json, committed as
// asyncapi.json (npm run asyncapi); test/asyncapi.test.ts fails when the committed file is stale.
import type { TSchema } from '@sinclair/typebox';
import { clientMessages, serverMessages } from '../schemas/realtime.ts';
import { partyClientMessages, partyServerMessages } from '../schemas/watch-parties.ts';
import { CLOSE, MAX_FRAME_BYTES } from './realtime/gateway.ts';

const titles: Record<string, string> = {
  hello: 'Hello',
  notification: 'New notification',
  unread_count: 'Unread count',
  reauthenticated: 'Token renewed',
  pong: 'Pong',
  auth: 'Authenticate',
  ping: 'Ping',
  'party.join': 'Member entered',
  'party.leave': 'Member left',
  'party.play': 'Playback resumed',
  'party.pause': 'Playback paused',
  'party.seek': 'Playback jumped',
  'party.rate': 'Rate changed',
  'party.chat': 'Chat line',
  'party.react': 'Reaction',
  'party.transfer': 'Control handed over',
  'party.kick': 'Member removed',
  'party.ended': 'Party ended',
  'party.state': 'Party state',
  'party.error': 'Party message refused',
};

const commandTitles: Record<keyof typeof partyClientMessages, string> = {
  'party.join': 'Enter a party',
  'party.leave': 'Leave a party',
  'party.play': 'Play',
  'party.pause': 'Pause',
  'party.seek': 'Seek',
  'party.rate': 'Change the rate',
  'party.chat': 'Send a chat line',
  'party.react': 'React',
  'party.state': 'Ask for the state',
  'party.transfer': 'Hand over control',
  'party.kick': 'Remove a member',
};

const closeCodes: Record<keyof typeof CLOSE, string> = {
  goingAway: 'the server is shutting down: reconnect',
  badMessage: 'a message was not JSON text',
  unauthorized: 'missing, invalid or expired token, ended session, or a token of another account',
  authTimeout: 'no `auth` message in time after opening without a token',
  slowConsumer: 'the client read too slowly (send buffer over WS_MAX_BUFFERED_BYTES)',
  tooManyConnections: 'more sockets than WS_MAX_CONNECTIONS_PER_USER for the account',
  tooManyMessages: 'the socket sent more than WS_MAX_MESSAGES messages in WS_MESSAGE_WINDOW_MS',
};

/** A message name as a component key: `unread_count` is `unreadCount`, `party.join` is `partyJoin`. */
const key = (name: string) => name.replace(/[_.]([a-z])/g, (_m, c: string) => c.toUpperCase());
const plain = (schema: TSchema) => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

interface Entry {
  key: string;
  name: string;
  title: string;
  schema: TSchema;
  action: 'send' | 'receive';
}

// Party commands share their type with the events they become, so their keys carry "Command".
const entries: Entry[] = [
  ...Object.entries({ ...serverMessages, ...partyServerMessages }).map(([name, schema]) => ({
    key: key(name),
    name,
    title: titles[name] ?? name,
    schema,
    action: 'send' as const,
  })),
  ...Object.entries(clientMessages).map(([name, schema]) => ({
    key: key(name),
    name,
    title: titles[name] ?? name,
    schema,
    action: 'receive' as const,
  })),
  ...Object.entries(partyClientMessages).map(([name, schema]) => ({
    key: `${key(name)}Command`,
    name,
    title: commandTitles[name as keyof typeof partyClientMessages],
    schema,
    action: 'receive' as const,
  })),
];

export function asyncApi(version: string) {
  const messages = Object.fromEntries(
    entries.map((e) => [
      e.key,
      {
        name: e.name,
        title: e.title,
        summary: e.schema.description,
        contentType: 'application/json',
        payload: { $ref: `#/components/schemas/${e.key}` },
      },
    ]),
  );
  const schemas = Object.fromEntries(entries.map((e) => [e.key, plain(e.schema)]));
  const channelMessages = Object.fromEntries(entries.map((e) => [e.key, { $ref: `#/components/messages/${e.key}` }]));
  const operations = Object.fromEntries(
    entries.map((e) => [
      `${e.action}${e.key[0].toUpperCase()}${e.key.slice(1)}`,
      {
        action: e.action,
        title: e.title,
        description: e.schema.description,
        channel: { $ref: '#/channels/notifications' },
        messages: [{ $ref: `#/channels/notifications/messages/${e.key}` }],
      },
    ]),
  );
  const closeList = Object.entries(CLOSE)
    .map(([name, code]) => `\`${code}\` ${closeCodes[name as keyof typeof CLOSE]}`)
    .join('; ');
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'Cinemate real time: notifications and watch parties',
      version,
      description:
        'A WebSocket that pushes the signed-in account’s notifications and unread count as they happen, and carries ' +
        'watch parties (`party.*`: after POST /api/v1/watch-parties/{code}/join, send `party.join`; every event has the ' +
        'party’s `seq`, in increasing order, and a `server_ts`; refusals come back as `party.error`). ' +
        'Authenticate with the access token in the `token` query parameter, in `Sec-WebSocket-Protocol: bearer, <token>`, ' +
        `or in a first \`auth\` message. Frames are JSON text of at most ${MAX_FRAME_BYTES / 1024} KiB. Close codes: ` +
        `\`1009\` a frame over ${MAX_FRAME_BYTES / 1024} KiB; ` +
        `${closeList}.`,
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
      contact: { name: 'Cinemate' },
      tags: [
        { name: 'notifications', description: 'The account’s notifications, pushed live' },
        { name: 'watch-parties', description: 'Synchronized playback and chat of a watch party' },
      ],
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
        title: 'Notifications of the account and its watch parties',
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
