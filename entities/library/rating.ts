// Up/down ratings (seed 004): one per profile per title.
import { defineEntity, p } from '@mikro-orm/core';

export const VOTES = ['up', 'down'] as const;

export const RatingSchema = defineEntity({
  name: 'Rating',
  tableName: 'ratings',
  uniques: [{ properties: ['profileId', 'titleId'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    profileId: p.uuid(),
    titleId: p.string().length(40),
    rating: p.enum(VOTES),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export class Rating extends RatingSchema.class {}
RatingSchema.setClass(Rating);
