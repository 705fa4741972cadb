// A title (movie or series, from TMDb or local) and its rows in title_genres, which copy the browse sort
// keys so a genre page is an index-only scan (migrations 0002 and 0009).
import { defineEntity, p } from '@mikro-orm/core';

export const TITLE_KINDS = ['movie', 'series'] as const;
export const TITLE_SOURCES = ['tmdb', 'local'] as const;

export const TitleSchema = defineEntity({
  name: 'Title',
  tableName: 'titles',
  properties: {
    id: p.string().length(40).primary(),
    kind: p.enum(TITLE_KINDS).columnType('varchar(6)'),
    source: p.enum(TITLE_SOURCES).columnType('varchar(5)'),
    tmdbId: p.integer().nullable(),
    title: p.string().length(300),
    originalTitle: p.string().length(300).nullable(),
    originalLanguage: p.string().length(10).nullable(),
    overview: p.text().nullable(),
    releaseDate: p.date().nullable(),
    runtime: p.integer().nullable(),
    certification: p.string().length(10).default('NR'),
    maturityLevel: p.smallint().default(3),
    genreIds: p.array<number>().columnType('integer[]').default([]),
    posterPath: p.string().length(500).nullable(),
    backdropPath: p.string().length(500).nullable(),
    homepage: p.string().length(500).nullable(),
    network: p.string().length(100).nullable(),
    networkLogoPath: p.string().length(500).nullable(),
    popularity: p.float().default(0),
    voteAverage: p.float().default(0),
    voteCount: p.integer().default(0),
    seasonCount: p.integer().nullable(),
    episodeCount: p.integer().nullable(),
    detailsSyncedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
    deletedAt: p.datetime().nullable(),
    // Written by repositories/title-store.ts (refreshSearchVectors); never read as a value.
    searchVector: p.string().columnType('tsvector').nullable().lazy(),
  },
});
export class Title extends TitleSchema.class {}
TitleSchema.setClass(Title);

export const TitleGenreSchema = defineEntity({
  name: 'TitleGenre',
  tableName: 'title_genres',
  properties: {
    genreId: p.integer().primary(),
    titleId: p.string().length(40).primary(),
    popularity: p.float().default(0),
    maturityLevel: p.smallint().default(3),
    // Filled from titles by the title_genres_fill_keys trigger on insert, kept in step by titles_sync_genre_keys.
    releaseDate: p.date().nullable(),
    voteAverage: p.float().default(0),
  },
});
export class TitleGenre extends TitleGenreSchema.class {}
TitleGenreSchema.setClass(TitleGenre);
