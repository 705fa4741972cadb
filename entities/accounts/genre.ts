// Genres (TMDb's ids) and the genres an account follows.
import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

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
    user: () => p.manyToOne(User).deleteRule('cascade').foreignKeyName('user_genres_user_id_fkey'),
    genre: () => p.manyToOne(Genre).foreignKeyName('user_genres_genre_id_fkey'),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onUpdate(() => new Date()),
  },
  uniques: [{ name: 'user_genres_genre_id_user_id_key', properties: ['genre', 'user'] }],
  indexes: [{ name: 'user_genres_user_idx', properties: ['user'] }],
});
export class UserGenre extends UserGenreSchema.class {}
UserGenreSchema.setClass(UserGenre);
