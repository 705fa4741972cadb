// Seed 001's content browse, trending, new releases and search, in the seed 003 envelope and card style.
import { Type } from '@sinclair/typebox';
import { CERTIFICATIONS } from '../services/catalog/maturity.ts';
import { Pagination, envelope, pageQuery, ref } from './common.ts';
import { MovieDetails, cardProperties } from './movies.ts';

const Kind = Type.Union([Type.Literal('movie'), Type.Literal('series')]);
const Year = Type.Integer({ minimum: 1870, maximum: 2200 });

export const ContentItem = Type.Object(
  {
    ...cardProperties,
    type: Kind,
    release_year: Type.Union([Type.Integer(), Type.Null()]),
    seasons: Type.Union([Type.Integer(), Type.Null()], { description: 'Series only' }),
    episodes: Type.Union([Type.Integer(), Type.Null()], { description: 'Series only' }),
    cast: Type.Array(Type.String(), { description: 'Top-billed cast' }),
    director: Type.Union([Type.String(), Type.Null()]),
    duration: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Seconds (per episode for a series); `runtime` has the minutes',
    }),
    runtime: Type.Union([Type.Integer(), Type.Null()], { description: 'Minutes (per episode for a series)' }),
    thumbnail_url: Type.Union([Type.String(), Type.Null()], { description: 'A small poster image' }),
    description: Type.String({ description: 'The synopsis' }),
    genre: Type.Array(Type.String(), { description: 'Genre names (the same as `genres`)' }),
  },
  { $id: 'ContentItem', description: 'A title card with the browse fields' },
);

export const ContentListResponse = envelope(
  Type.Object({
    content: Type.Array(ref(ContentItem)),
    pagination: Type.Intersect([Pagination, Type.Object({ has_next: Type.Boolean() })]),
  }),
);

export const BrowseQuery = Type.Object({
  genre: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[A-Za-z0-9 &,-]+$',
      description:
        'Genre ids (GET /movies/genres) or names/slugs (`action`, `sci-fi`, `Science Fiction`), comma-separated: titles in any of them. ' +
        '`action`, `adventure`, `sci-fi`, `fantasy` and `war` also match the TV genre of that name. An unknown name is 400 listing the valid ones.',
      examples: ['action', 'sci-fi,thriller', '18'],
    }),
  ),
  type: Type.Optional(
    Type.Union([Type.Literal('movie'), Type.Literal('series'), Type.Literal('documentary')], {
      description: '`documentary`: movies and series of the Documentary genre',
    }),
  ),
  rating: Type.Optional(
    Type.Union(
      CERTIFICATIONS.map((c) => Type.Literal(c)),
      { description: 'Certification' },
    ),
  ),
  language: Type.Optional(
    Type.String({ pattern: '^[a-z]{2,3}$', description: 'Original language, ISO 639-1', examples: ['en'] }),
  ),
  year_from: Type.Optional(Year),
  year_to: Type.Optional(Year),
  sort: Type.Optional(
    Type.Union([Type.Literal('popularity'), Type.Literal('release_date'), Type.Literal('rating')], {
      default: 'popularity',
    }),
  ),
  ...pageQuery(100),
});

export const ListQuery = Type.Object(pageQuery(100));

export const NewReleasesQuery = Type.Object({
  days: Type.Integer({
    minimum: 1,
    maximum: 3650,
    default: 90,
    description: 'Became available on this platform within this many days (already released)',
  }),
  ...pageQuery(100),
});

export const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 200 }),
  type: Type.Optional(Kind),
  limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
});

export const SearchResult = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    type: Kind,
    match_score: Type.Number({ minimum: 0, maximum: 1 }),
    thumbnail_url: Type.Union([Type.String(), Type.Null()]),
    poster: Type.Union([Type.String(), Type.Null()]),
    release_date: Type.Union([Type.String(), Type.Null()]),
    release_year: Type.Union([Type.Integer(), Type.Null()]),
    genres: Type.Array(Type.String()),
    rating: Type.Number(),
    certification: Type.String(),
    is_series: Type.Boolean(),
  },
  { $id: 'SearchResult', description: 'A search hit with its match score' },
);

export const SearchResponse = envelope(
  Type.Object({
    results: Type.Array(ref(SearchResult)),
    total_results: Type.Integer({ minimum: 0 }),
    query: Type.String(),
  }),
);

export const ContentDetailsResponse = envelope(Type.Object({ content: ref(MovieDetails) }));
