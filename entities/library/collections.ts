// Favourites (seed 003's user_favourites, kept per profile) and the watchlist (seed 001): sets of titles.
import { defineEntity, p } from '@mikro-orm/core';

export const UserFavouriteSchema = defineEntity({
  name: 'UserFavourite',
  tableName: 'user_favourites',
  uniques: [{ properties: ['profileId', 'titleId'] }],
  properties: {
    id: p.uuid().primary(),
    // Kept beside profile_id for account-wide questions.
    userId: p.uuid(),
    profileId: p.uuid(),
    titleId: p.string().length(40),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export class UserFavourite extends UserFavouriteSchema.class {}
UserFavouriteSchema.setClass(UserFavourite);

export const WatchlistEntrySchema = defineEntity({
  name: 'WatchlistEntry',
  tableName: 'watchlist',
  properties: {
    profileId: p.uuid().primary(),
    titleId: p.string().length(40).primary(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export class WatchlistEntry extends WatchlistEntrySchema.class {}
WatchlistEntrySchema.setClass(WatchlistEntry);
