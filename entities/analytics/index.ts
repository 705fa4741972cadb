// The analytics entities (migration 0013): the partitioned event log, stored client event ids, the daily
// rollups and their watermark, and the playback-quality summary of each playback session.
import { defineEntity, p } from '@mikro-orm/core';

/** One client event; append-only, range-partitioned by month on occurred_at (the key is part of the PK). */
export const AnalyticsEventSchema = defineEntity({
  name: 'AnalyticsEvent',
  tableName: 'analytics_events',
  properties: {
    occurredAt: p.datetime().primary(),
    seq: p.bigint('string').primary().autoincrement(),
    receivedAt: p.datetime().defaultRaw('now()'),
    userId: p.uuid(),
    profileId: p.uuid(),
    eventType: p.string().length(20),
    contentId: p.string().length(40).nullable(),
    deviceType: p.string().length(10).nullable(),
    watchedSeconds: p.float().nullable(),
    eventId: p.uuid().nullable(),
    metadata: p.json<Record<string, unknown>>().default('{}'),
  },
});
export class AnalyticsEvent extends AnalyticsEventSchema.class {}
AnalyticsEventSchema.setClass(AnalyticsEvent);

/** A client event id already stored for the account: a retried batch inserts only the ids not seen. */
export const AnalyticsEventIdSchema = defineEntity({
  name: 'AnalyticsEventId',
  tableName: 'analytics_event_ids',
  properties: {
    userId: p.uuid().primary(),
    eventId: p.uuid().primary(),
    receivedAt: p.datetime().defaultRaw('now()'),
  },
});
export class AnalyticsEventId extends AnalyticsEventIdSchema.class {}
AnalyticsEventIdSchema.setClass(AnalyticsEventId);

/** Per profile, day (UTC), title and device: what the viewing stats read. */
export const ProfileDailySchema = defineEntity({
  name: 'AnalyticsProfileDaily',
  tableName: 'analytics_profile_daily',
  properties: {
    profileId: p.uuid().primary(),
    day: p.date().primary(),
    titleId: p.string().length(40).primary(),
    deviceType: p.string().length(10).primary(),
    watchSeconds: p.double().default(0),
    plays: p.integer().default(0),
    completes: p.integer().default(0),
  },
});
export class AnalyticsProfileDaily extends ProfileDailySchema.class {}
ProfileDailySchema.setClass(AnalyticsProfileDaily);

/** Per title and day (UTC): plays, completions, watch time and player errors. */
export const TitleDailySchema = defineEntity({
  name: 'AnalyticsTitleDaily',
  tableName: 'analytics_title_daily',
  properties: {
    titleId: p.string().length(40).primary(),
    day: p.date().primary(),
    watchSeconds: p.double().default(0),
    plays: p.integer().default(0),
    completes: p.integer().default(0),
    errors: p.integer().default(0),
  },
});
export class AnalyticsTitleDaily extends TitleDailySchema.class {}
TitleDailySchema.setClass(AnalyticsTitleDaily);

/** How far (event seq) each rollup has aggregated. */
export const RollupStateSchema = defineEntity({
  name: 'AnalyticsRollupState',
  tableName: 'analytics_rollup_state',
  properties: {
    name: p.string().length(40).primary(),
    watermark: p.bigint('string').default(0),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export class AnalyticsRollupState extends RollupStateSchema.class {}
RollupStateSchema.setClass(AnalyticsRollupState);

/** The playback-quality summary of one playback session, kept up to date by the player's beacons. */
export const PlaybackQoeSchema = defineEntity({
  name: 'PlaybackQoe',
  tableName: 'playback_qoe',
  properties: {
    sessionId: p.uuid().primary(),
    userId: p.uuid(),
    titleId: p.string().length(40),
    deviceType: p.string().length(10),
    beacons: p.integer().default(0),
    startupMs: p.integer().nullable(),
    watchMs: p.bigint('number').default(0),
    rebufferCount: p.integer().default(0),
    rebufferMs: p.bigint('number').default(0),
    bitrateSwitches: p.integer().default(0),
    avgBitrateKbps: p.integer().nullable(),
    renditions: p.json<string[]>().default('[]'),
    droppedFrames: p.integer().default(0),
    fatalErrors: p.integer().default(0),
    ended: p.boolean().default(false),
    firstAt: p.datetime().defaultRaw('now()'),
    lastAt: p.datetime().defaultRaw('now()'),
  },
});
export class PlaybackQoe extends PlaybackQoeSchema.class {}
PlaybackQoeSchema.setClass(PlaybackQoe);

export const analyticsEntities = [
  AnalyticsEvent,
  AnalyticsEventId,
  AnalyticsProfileDaily,
  AnalyticsTitleDaily,
  AnalyticsRollupState,
  PlaybackQoe,
];
export type AnalyticsSchemas =
  | typeof AnalyticsEventSchema
  | typeof AnalyticsEventIdSchema
  | typeof ProfileDailySchema
  | typeof TitleDailySchema
  | typeof RollupStateSchema
  | typeof PlaybackQoeSchema;
