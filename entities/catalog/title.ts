// A title (movie or series, from TMDb or local) and its rows in title_genres, which copy the browse sort
// keys so a genre page is an index-only scan (migrations 0002 and 0009).
import { defineEntity, type IndexColumnOptions, p } from '@mikro-orm/core';

export const TITLE_KINDS = ['movie', 'series'] as const;
export const TITLE_SOURCES = ['tmdb', 'local'] as const;

const sortIndex = (name: string, columns: IndexColumnOptions[]) => ({
  name,
  columns,
  include: 'maturityLevel' as const,
  where: 'deleted_at is null',
});

/** A GIN index (trigram or full-text), which the property-based options cannot describe. */
export const gin = (name: string, table: string, on: string) => ({
  name,
  expression: `create index "${name}" on "${table}" using gin (${on})`,
});

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
    /** Entered the catalog, or got its first playable video: what new releases order by. */
    availableAt: p.datetime().defaultRaw('now()'),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
    deletedAt: p.datetime().nullable(),
    // Written by repositories/title-store.ts (refreshSearchVectors); never read as a value.
    searchVector: p.string().columnType('tsvector').nullable().lazy(),
  },
  uniques: [{ name: 'titles_kind_tmdb_id_key', properties: ['kind', 'tmdbId'] }],
  // The browse sort keys (0002, covering since 0009) and the search indexes (0002).
  indexes: [
    sortIndex('titles_popularity_idx', [{ name: 'popularity', sort: 'desc' }, { name: 'id' }]),
    sortIndex('titles_release_idx', [{ name: 'release_date', sort: 'desc', nulls: 'last' }, { name: 'id' }]),
    sortIndex('titles_rating_idx', [{ name: 'vote_average', sort: 'desc' }, { name: 'id' }]),
    sortIndex('titles_kind_popularity_idx', [{ name: 'kind' }, { name: 'popularity', sort: 'desc' }, { name: 'id' }]),
    gin('titles_title_trgm_idx', 'titles', 'lower(title) gin_trgm_ops'),
    gin('titles_original_trgm_idx', 'titles', 'lower(original_title) gin_trgm_ops'),
    gin('titles_search_idx', 'titles', 'search_vector'),
  ],
});
export class Title extends TitleSchema.class {}
TitleSchema.setClass(Title);

const genreIndex = (name: string, key: IndexColumnOptions) => ({
  name,
  columns: [{ name: 'genre_id' }, key, { name: 'title_id' }],
  include: 'maturityLevel' as const,
});

export const TitleGenreSchema = defineEntity({
  name: 'TitleGenre',
  tableName: 'title_genres',
  properties: {
    genreId: p.integer().primary(),
    titleId: () =>
      p
        .manyToOne(Title)
        .fieldName('title_id')
        .primary()
        .deleteRule('cascade')
        .foreignKeyName('title_genres_title_id_fkey'),
    popularity: p.float().default(0),
    maturityLevel: p.smallint().default(3),
    // Filled from titles by the title_genres_fill_keys trigger on insert, kept in step by titles_sync_genre_keys.
    releaseDate: p.date().nullable(),
    voteAverage: p.float().default(0),
  },
  indexes: [
    genreIndex('title_genres_browse_idx', { name: 'popularity', sort: 'desc' }),
    genreIndex('title_genres_release_idx', { name: 'release_date', sort: 'desc', nulls: 'last' }),
    genreIndex('title_genres_rating_idx', { name: 'vote_average', sort: 'desc' }),
  ],
});
export class TitleGenre extends TitleGenreSchema.class {}
TitleGenreSchema.setClass(TitleGenre);
