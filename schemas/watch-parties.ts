// Watch parties: the REST bodies and replies (create, join, read, end) and the `party.*` messages of the
// WebSocket at /api/v1/ws, for validation and for the OpenAPI and AsyncAPI documents.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ContentId, EpisodeId, Uuid, envelope, ref } from './common.ts';
import { StartBody, StartResponse } from './playback.ts';

export const CHAT_MAX_LENGTH = 500;

const Position = Type.Number({
  minimum: 0,
  maximum: 604_800,
  description: 'Media time in seconds (the host’s player clock)',
});
const Rate = Type.Number({ minimum: 0.25, maximum: 4, description: 'Playback rate (1 = normal speed)' });
const ServerTs = Type.Integer({
  description:
    'Server time (ms since the epoch) at which `position` held: while playing, the media time now is position + rate × (server now − server_ts) / 1000',
});
const Seq = Type.Integer({
  minimum: 0,
  description: 'Per-party sequence number: every member sees the events in increasing seq order',
});
const PartyId = Type.String({ format: 'uuid', description: 'The watch party' });
const InviteCode = Type.String({ pattern: '^[A-Z2-9]{10}$', description: 'Invite code', examples: ['K7Q2MX9PLD'] });

// ---- REST ----

const { profile_id: profileId, device_type: deviceType, quality } = StartBody.properties;
const Device = { profile_id: profileId, device_type: Type.Optional(deviceType), quality: Type.Optional(quality) };

export const CreateBody = Type.Object(
  {
    content_id: ContentId,
    episode_id: Type.Optional(EpisodeId),
    position: Type.Optional(Position),
    ...Device,
  },
  { additionalProperties: false },
);
export type CreateInput = Static<typeof CreateBody>;

export const JoinBody = Type.Object(Device, { additionalProperties: false });
export type JoinInput = Static<typeof JoinBody>;

export const CodeParams = Type.Object({ code: InviteCode });
export const IdParams = Type.Object({ id: Uuid });

const Member = Type.Object({
  user_id: Uuid,
  profile_id: Uuid,
  name: Type.String({ description: 'The member’s profile name' }),
  is_host: Type.Boolean(),
});
const ChatLine = Type.Object({
  id: Uuid,
  seq: Seq,
  user_id: Uuid,
  text: Type.String({ maxLength: CHAT_MAX_LENGTH }),
  position: Type.Union([Position, Type.Null()]),
  sent_at: Type.String({ format: 'date-time' }),
});

export const PartyStateSchema = Type.Object(
  {
    id: Uuid,
    invite_code: InviteCode,
    status: Type.Union([Type.Literal('active'), Type.Literal('ended')]),
    content_id: Type.String(),
    episode_id: Type.Union([Type.String(), Type.Null()]),
    host_user_id: Uuid,
    seq: Seq,
    position: Position,
    playing: Type.Boolean(),
    rate: Rate,
    server_ts: ServerTs,
    members: Type.Array(Member, { description: 'Current members (joined, not left or removed)' }),
    chat: Type.Array(ChatLine, { description: 'The latest chat lines, oldest first (WATCH_PARTY_CHAT_HISTORY)' }),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'WatchPartyState', description: 'A watch party as its members see it' },
);
export type PartyState = Static<typeof PartyStateSchema>;

const { success: _s, message: _m, ...startData } = StartResponse.properties;
const Playback = startData.data;

const { $id: _id, ...stateFields } = PartyStateSchema;

export const PartyResponse = envelope(ref(PartyStateSchema));
export const JoinResponse = envelope(
  Type.Object({
    party: ref(PartyStateSchema),
    playback: Type.Object(Playback.properties, {
      description: 'The member’s own playback session (their account’s stream limit applies)',
    }),
  }),
);

// ---- WebSocket: every message names its party ----

const base = <K extends string, T extends Record<string, TSchema>>(type: K, fields: T, description: string) =>
  Type.Object({ type: Type.Literal(type), party_id: PartyId, ...fields }, { description, additionalProperties: false });

/** What a client sends; the host alone may play, pause, seek, change the rate, transfer or kick. */
export const partyClientMessages = {
  'party.join': base(
    'party.join',
    {},
    'Enter the party’s room on this socket (after POST /join); answered by `party.state`',
  ),
  'party.leave': base('party.leave', {}, 'Leave the party (frees the stream slot); rejoining needs POST /join again'),
  'party.play': base('party.play', { position: Position }, 'Host: playback resumes at `position`'),
  'party.pause': base('party.pause', { position: Position }, 'Host: playback pauses at `position`'),
  'party.seek': base('party.seek', { position: Position }, 'Host: jump to `position`'),
  'party.rate': base('party.rate', { position: Position, rate: Rate }, 'Host: the playback rate changes at `position`'),
  'party.chat': base(
    'party.chat',
    {
      text: Type.String({ minLength: 1, maxLength: CHAT_MAX_LENGTH, pattern: '^[^\\u0000]*$' }),
      position: Type.Optional(Position),
    },
    'A chat line (WATCH_PARTY_CHAT_MAX per WATCH_PARTY_CHAT_WINDOW_MS with reactions)',
  ),
  'party.react': base(
    'party.react',
    { emoji: Type.String({ minLength: 1, maxLength: 16 }), position: Type.Optional(Position) },
    'A reaction (rate-limited with chat)',
  ),
  'party.state': base('party.state', {}, 'Ask for the whole state'),
  'party.transfer': base('party.transfer', { user_id: Uuid }, 'Host: hand control to another member'),
  'party.kick': base('party.kick', { user_id: Uuid }, 'Host: remove a member (they cannot rejoin)'),
};
export type PartyClientMessage = Static<(typeof partyClientMessages)[keyof typeof partyClientMessages]>;

const event = <K extends string, T extends Record<string, TSchema>>(type: K, fields: T, description: string) =>
  Type.Object(
    { type: Type.Literal(type), party_id: PartyId, seq: Seq, server_ts: ServerTs, ...fields },
    { description },
  );
const Clock = { by: Uuid, position: Position, playing: Type.Boolean(), rate: Rate };

/** What the server sends to every member of the party (in seq order), plus `party.state` and `party.error`. */
export const partyServerMessages = {
  'party.join': event(
    'party.join',
    { user_id: Uuid, profile_id: Uuid, name: Type.String() },
    'A member entered the room',
  ),
  'party.leave': event(
    'party.leave',
    { user_id: Uuid, reason: Type.Union([Type.Literal('left'), Type.Literal('disconnected')]) },
    '`left`: the member left the party; `disconnected`: their last socket closed (still a member)',
  ),
  'party.play': event('party.play', Clock, 'The host resumed playback'),
  'party.pause': event('party.pause', Clock, 'The host paused'),
  'party.seek': event('party.seek', Clock, 'The host jumped'),
  'party.rate': event('party.rate', Clock, 'The host changed the rate'),
  'party.chat': event(
    'party.chat',
    { id: Uuid, user_id: Uuid, text: Type.String(), position: Type.Union([Position, Type.Null()]) },
    'A chat line',
  ),
  'party.react': event(
    'party.react',
    { user_id: Uuid, emoji: Type.String(), position: Type.Union([Position, Type.Null()]) },
    'A reaction',
  ),
  'party.transfer': event('party.transfer', { by: Uuid, host_user_id: Uuid }, 'Control passed to another member'),
  'party.kick': event('party.kick', { by: Uuid, user_id: Uuid }, 'The host removed a member'),
  'party.ended': event(
    'party.ended',
    { reason: Type.Union([Type.Literal('host_ended'), Type.Literal('host_gone')]) },
    'The party is over: ended by the host, or the host was gone longer than WATCH_PARTY_HOST_GRACE_MS',
  ),
  'party.state': Type.Object(
    { type: Type.Literal('party.state'), party_id: PartyId, state: Type.Unsafe<PartyState>(stateFields) },
    {
      description:
        'The whole state, to this socket only: on `party.join` (before any later event) and on request; ignore events with seq ≤ its seq',
    },
  ),
  'party.error': Type.Object(
    {
      type: Type.Literal('party.error'),
      party_id: Type.Union([PartyId, Type.Null()]),
      request_type: Type.Union([Type.String(), Type.Null()], { description: 'The type of the refused message' }),
      code: Type.String({ examples: ['RATE_LIMITED', 'FORBIDDEN', 'INVALID_REQUEST', 'NOT_FOUND'] }),
      message: Type.String(),
    },
    { description: 'A party message was refused (the socket stays open)' },
  ),
};
