// The watch-party entities (migration 0014): parties with their shared playback clock, members, and chat.
import { defineEntity, p } from '@mikro-orm/core';

export const PARTY_STATUSES = ['active', 'ended'] as const;
export const MEMBER_STATUSES = ['joined', 'left', 'kicked'] as const;

/** A party: `position` holds at `anchoredAt` (server time); `seq` orders every event of the party. */
export const WatchPartySchema = defineEntity({
  name: 'WatchParty',
  tableName: 'watch_parties',
  properties: {
    id: p.uuid().primary(),
    code: p.string().length(12),
    titleId: p.string().length(40),
    episodeId: p.string().length(60).nullable(),
    hostUserId: p.uuid(),
    status: p.enum(PARTY_STATUSES).columnType('varchar(6)').default('active'),
    endReason: p.string().length(12).nullable(),
    position: p.double().$type<number>().default(0),
    playing: p.boolean().default(false),
    rate: p.double().$type<number>().default(1),
    anchoredAt: p.datetime().defaultRaw('now()'),
    seq: p.bigint('number').default(0),
    hostLeftAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    endedAt: p.datetime().nullable(),
  },
});
export class WatchParty extends WatchPartySchema.class {}
WatchPartySchema.setClass(WatchParty);

/** A member: each holds a playback session of their own account (its stream limit applies). */
export const WatchPartyMemberSchema = defineEntity({
  name: 'WatchPartyMember',
  tableName: 'watch_party_members',
  properties: {
    id: p.uuid().primary(),
    partyId: p.uuid(),
    userId: p.uuid(),
    profileId: p.uuid(),
    status: p.enum(MEMBER_STATUSES).columnType('varchar(6)').default('joined'),
    playbackSessionId: p.uuid().nullable(),
    joinedAt: p.datetime().defaultRaw('now()'),
  },
});
export class WatchPartyMember extends WatchPartyMemberSchema.class {}
WatchPartyMemberSchema.setClass(WatchPartyMember);

/** A chat line, deleted with the party's end. */
export const WatchPartyMessageSchema = defineEntity({
  name: 'WatchPartyMessage',
  tableName: 'watch_party_messages',
  properties: {
    id: p.uuid().primary(),
    partyId: p.uuid(),
    userId: p.uuid(),
    text: p.string().length(500),
    position: p.double().$type<number>().nullable(),
    seq: p.bigint('number'),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export class WatchPartyMessage extends WatchPartyMessageSchema.class {}
WatchPartyMessageSchema.setClass(WatchPartyMessage);

export const watchPartyEntities = [WatchParty, WatchPartyMember, WatchPartyMessage];
export type WatchPartySchemas =
  | typeof WatchPartySchema
  | typeof WatchPartyMemberSchema
  | typeof WatchPartyMessageSchema;
