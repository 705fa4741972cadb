// What a profile watched: the resume state per item (playback_progress) and one history entry per title.
import { defineEntity, p } from '@mikro-orm/core';

/** One row per (profile, title, episode); a movie's episode_id is '' so the key never holds a NULL. */
export const PlaybackProgressSchema = defineEntity({
  name: 'PlaybackProgress',
  tableName: 'playback_progress',
  properties: {
    profileId: p.uuid().primary(),
    titleId: p.string().length(40).primary(),
    episodeId: p.string().length(60).primary().default(''),
    position: p.double().$type<number>(),
    duration: p.double().$type<number>(),
    resumePosition: p.double().$type<number>().nullable(),
    completed: p.boolean().default(false),
    completedAt: p.datetime().nullable(),
    /** When the client took the position: an older heartbeat than the stored one is ignored. */
    clientTime: p.datetime(),
    sessionId: p.string().length(64).nullable(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export class PlaybackProgress extends PlaybackProgressSchema.class {}
PlaybackProgressSchema.setClass(PlaybackProgress);

/** One row per (profile, title): the last heartbeat that moved it, and when the title was first watched. */
export const WatchHistorySchema = defineEntity({
  name: 'WatchHistory',
  tableName: 'watch_history',
  uniques: [{ properties: ['profileId', 'titleId'] }],
  properties: {
    id: p.uuid().primary(),
    profileId: p.uuid(),
    titleId: p.string().length(40),
    episodeId: p.string().length(60).nullable(),
    watchedAt: p.datetime().defaultRaw('now()'),
    firstWatchedAt: p.datetime().defaultRaw('now()'),
    position: p.double().$type<number>().default(0),
    duration: p.double().$type<number>().default(0),
    completed: p.boolean().default(false),
  },
});
export class WatchHistory extends WatchHistorySchema.class {}
WatchHistorySchema.setClass(WatchHistory);
