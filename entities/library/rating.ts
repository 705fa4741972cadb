// Up/down ratings (seed 004): one per profile per title.
import { defineEntity, p } from '@mikro-orm/core';
import { User } from '../accounts/user.ts';
import { ViewerProfile } from './viewer-profile.ts';

export const VOTES = ['up', 'down'] as const;

export const RatingSchema = defineEntity({
  name: 'Rating',
  tableName: 'ratings',
  indexes: [
    {
      name: 'ratings_list_idx',
      columns: [{ name: 'profile_id' }, { name: 'updated_at', sort: 'desc' }, { name: 'id' }],
    },
    // Upvote / downvote counts per title, index-only.
    { name: 'ratings_title_idx', properties: ['titleId', 'rating'] },
  ],
  uniques: [{ name: 'ratings_profile_id_title_id_key', properties: ['profile', 'titleId'] }],
  properties: {
    id: p.uuid().primary(),
    user: p.manyToOne(User).deleteRule('cascade').updateRule('no action').foreignKeyName('ratings_user_id_fkey'),
    profile: p
      .manyToOne(ViewerProfile)
      .deleteRule('cascade')
      .updateRule('no action')
      .foreignKeyName('ratings_profile_id_fkey'),
    titleId: p.string().length(40),
    rating: p.enum(VOTES).columnType('varchar(4)'),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export class Rating extends RatingSchema.class {}
RatingSchema.setClass(Rating);
