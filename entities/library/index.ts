// The library entities: viewer profiles, their PIN unlocks, and what each profile keeps.
import { UserFavourite, type UserFavouriteSchema, WatchlistEntry, type WatchlistEntrySchema } from './collections.ts';
import { Rating, type RatingSchema } from './rating.ts';
import { ProfileUnlock, type ProfileUnlockSchema, ViewerProfile, type ViewerProfileSchema } from './viewer-profile.ts';
import { PlaybackProgress, type PlaybackProgressSchema, WatchHistory, type WatchHistorySchema } from './watching.ts';

export const libraryEntities = [
  ViewerProfile,
  ProfileUnlock,
  UserFavourite,
  WatchlistEntry,
  PlaybackProgress,
  WatchHistory,
  Rating,
];
export type LibrarySchemas =
  | typeof ViewerProfileSchema
  | typeof ProfileUnlockSchema
  | typeof UserFavouriteSchema
  | typeof WatchlistEntrySchema
  | typeof PlaybackProgressSchema
  | typeof WatchHistorySchema
  | typeof RatingSchema;
