// Reviews of a title shown on its details: TMDb's (refreshed with the details by catalog:sync) and the
// demo catalog's own.
import { defineEntity, p } from '@mikro-orm/core';
import { Title } from './title.ts';

export const ReviewSchema = defineEntity({
  name: 'Review',
  tableName: 'reviews',
  properties: {
    id: p.string().length(60).primary(),
    titleId: () =>
      p.manyToOne(Title).fieldName('title_id').deleteRule('cascade').foreignKeyName('reviews_title_id_fkey'),
    author: p.string().length(200),
    avatarPath: p.string().length(500).nullable(),
    rating: p.float().nullable(),
    content: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export class Review extends ReviewSchema.class {}
ReviewSchema.setClass(Review);
