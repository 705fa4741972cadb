// The seasons of a series and their episodes (numbers unique per title, soft-deleted rows kept).
import { defineEntity, p } from '@mikro-orm/core';
import { Title } from './title.ts';

export const SeasonSchema = defineEntity({
  name: 'Season',
  tableName: 'seasons',
  properties: {
    id: p.string().length(60).primary(),
    titleId: () =>
      p.manyToOne(Title).fieldName('title_id').deleteRule('cascade').foreignKeyName('seasons_title_id_fkey'),
    tmdbId: p.integer().nullable(),
    seasonNumber: p.integer(),
    name: p.string().length(200),
    overview: p.text().nullable(),
    airDate: p.date().nullable(),
    posterPath: p.string().length(500).nullable(),
    voteAverage: p.float().default(0),
    episodeCount: p.integer().default(0),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
    deletedAt: p.datetime().nullable(),
  },
  uniques: [{ name: 'seasons_title_id_season_number_key', properties: ['titleId', 'seasonNumber'] }],
});
export class Season extends SeasonSchema.class {}
SeasonSchema.setClass(Season);

export const EpisodeSchema = defineEntity({
  name: 'Episode',
  tableName: 'episodes',
  properties: {
    id: p.string().length(60).primary(),
    titleId: () =>
      p.manyToOne(Title).fieldName('title_id').deleteRule('cascade').foreignKeyName('episodes_title_id_fkey'),
    tmdbId: p.integer().nullable(),
    seasonNumber: p.integer(),
    episodeNumber: p.integer(),
    name: p.string().length(300),
    overview: p.text().nullable(),
    airDate: p.date().nullable(),
    runtime: p.integer().nullable(),
    stillPath: p.string().length(500).nullable(),
    voteAverage: p.float().default(0),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
    deletedAt: p.datetime().nullable(),
  },
  uniques: [
    {
      name: 'episodes_title_id_season_number_episode_number_key',
      properties: ['titleId', 'seasonNumber', 'episodeNumber'],
    },
  ],
});
export class Episode extends EpisodeSchema.class {}
EpisodeSchema.setClass(Episode);
