// What a profile watched: the resume state per item (playback_progress) and one history entry per title.
import { defineEntity, p } from '@mikro-orm/core';
import { ViewerProfile } from './viewer-profile.ts';

/** One row per (profile, title, episode); a movie's episode_id is '' so the key never holds a NULL. */
export const PlaybackProgressSchema = defineEntity({
  name: 'PlaybackProgress',
  tableName: 'playback_progress',
  // Continue watching and next up read a profile's items newest first.
  indexes: [
    { name: 'playback_progress_recent_idx', columns: [{ name: 'profile_id' }, { name: 'updated_at', sort: 'desc' }] },
  ],
  properties: {
    profile: p
      .manyToOne(ViewerProfile)
      .primary()
      .deleteRule('cascade')
      .updateRule('no action')
      .foreignKeyName('playback_progress_profile_id_fkey'),
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
  indexes: [
    {
      name: 'watch_history_list_idx',
      columns: [{ name: 'profile_id' }, { name: 'watched_at', sort: 'desc' }, { name: 'title_id' }],
    },
    // What trending counts: the watched_at window.
    { name: 'watch_history_trending_idx', columns: [{ name: 'watched_at', sort: 'desc' }, { name: 'title_id' }] },
  ],
  uniques: [{ name: 'watch_history_profile_id_title_id_key', properties: ['profile', 'titleId'] }],
  properties: {
    id: p.uuid().primary(),
    profile: p
      .manyToOne(ViewerProfile)
      .deleteRule('cascade')
      .updateRule('no action')
      .foreignKeyName('watch_history_profile_id_fkey'),
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
