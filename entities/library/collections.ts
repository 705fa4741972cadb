// Favourites (seed 003's user_favourites, kept per profile) and the watchlist (seed 001): sets of titles.
import { defineEntity, p } from '@mikro-orm/core';
import { User } from '../accounts/user.ts';
import { ViewerProfile } from './viewer-profile.ts';

export const UserFavouriteSchema = defineEntity({
  name: 'UserFavourite',
  tableName: 'user_favourites',
  indexes: [
    {
      name: 'user_favourites_list_idx',
      columns: [{ name: 'profile_id' }, { name: 'created_at', sort: 'desc' }, { name: 'title_id' }],
    },
  ],
  uniques: [{ name: 'user_favourites_profile_id_title_id_key', properties: ['profile', 'titleId'] }],
  properties: {
    id: p.uuid().primary(),
    // Kept beside profile_id for account-wide questions.
    user: p
      .manyToOne(User)
      .deleteRule('cascade')
      .updateRule('no action')
      .foreignKeyName('user_favourites_user_id_fkey'),
    profile: p
      .manyToOne(ViewerProfile)
      .deleteRule('cascade')
      .updateRule('no action')
      .foreignKeyName('user_favourites_profile_id_fkey'),
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
  indexes: [
    {
      name: 'watchlist_list_idx',
      columns: [{ name: 'profile_id' }, { name: 'created_at', sort: 'desc' }, { name: 'title_id' }],
    },
  ],
  properties: {
    profile: p
      .manyToOne(ViewerProfile)
      .primary()
      .deleteRule('cascade')
      .updateRule('no action')
      .foreignKeyName('watchlist_profile_id_fkey'),
    titleId: p.string().length(40).primary(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export class WatchlistEntry extends WatchlistEntrySchema.class {}
WatchlistEntrySchema.setClass(WatchlistEntry);
