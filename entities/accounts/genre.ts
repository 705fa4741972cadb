// Genres (TMDb's ids) and the genres an account follows.
import { defineEntity, p } from '@mikro-orm/core';

export const GenreSchema = defineEntity({
  name: 'Genre',
  tableName: 'genres',
  properties: {
    id: p.string().length(50).primary(),
    name: p.string().length(100),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onUpdate(() => new Date()),
  },
});
export class Genre extends GenreSchema.class {}
GenreSchema.setClass(Genre);

export const UserGenreSchema = defineEntity({
  name: 'UserGenre',
  tableName: 'user_genres',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    userId: p.uuid(),
    genreId: p.string().length(50),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['genreId', 'userId'] }],
  indexes: [{ name: 'user_genres_user_idx', properties: ['userId'] }],
});
export class UserGenre extends UserGenreSchema.class {}
UserGenreSchema.setClass(UserGenre);
