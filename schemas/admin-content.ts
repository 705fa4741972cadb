// Schemas of /admin/content: the bodies that create and edit titles, seasons and episodes, and the admin
// views of them (which, unlike the public catalog shapes, show source, deletion state and raw fields).
import { Type, type Static } from '@sinclair/typebox';
import { GenreIds, Pagination, StoredContentId, envelope, pageQuery, ref } from './common.ts';
import { CERTIFICATIONS } from '../services/catalog/maturity.ts';

/** TMDb copies (`m<n>` movies, `s<n>` series) and local originals (`o…`; created here as `o` + 10 base36 characters). */
export const ContentId = StoredContentId;
export const ContentParams = Type.Object({ id: ContentId });
export const SeasonParams = Type.Object({ id: ContentId, season_number: Type.Integer({ minimum: 0, maximum: 999 }) });
export const EpisodeParams = Type.Object({
  ...SeasonParams.properties,
  episode_number: Type.Integer({ minimum: 1, maximum: 9999 }),
});

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const HttpsUrl = Type.String({
  format: 'uri',
  pattern: '^https://',
  maxLength: 500,
  examples: ['https://cdn.example.com/posters/o3k9x0a7q2b.jpg'],
});
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD', examples: ['2024-05-17'] });
const Overview = Type.String({ maxLength: 5000 });
const Minutes = Type.Integer({ minimum: 1, maximum: 1000, description: 'Minutes' });

export const Kind = Type.Union([Type.Literal('movie'), Type.Literal('series')]);
export const Certification = Type.Union(
  CERTIFICATIONS.map((c) => Type.Literal(c)),
  { description: 'Sets the maturity level lists filter on' },
);

export const CastInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    character: Type.Optional(nullable(Type.String({ maxLength: 300 }))),
  },
  { additionalProperties: false },
);

export const EpisodeFields = {
  name: Type.String({ minLength: 1, maxLength: 300 }),
  overview: nullable(Overview),
  air_date: nullable(Day),
  runtime: nullable(Minutes),
  still_url: nullable(HttpsUrl),
};
export const EpisodeCreateBody = Type.Object(
  {
    episode_number: Type.Integer({ minimum: 1, maximum: 9999 }),
    name: Type.Optional(EpisodeFields.name),
    overview: Type.Optional(EpisodeFields.overview),
    air_date: Type.Optional(EpisodeFields.air_date),
    runtime: Type.Optional(EpisodeFields.runtime),
    still_url: Type.Optional(EpisodeFields.still_url),
  },
  { additionalProperties: false },
);
export const EpisodePutBody = Type.Object(
  {
    name: EpisodeFields.name,
    overview: Type.Optional(EpisodeFields.overview),
    air_date: Type.Optional(EpisodeFields.air_date),
    runtime: Type.Optional(EpisodeFields.runtime),
    still_url: Type.Optional(EpisodeFields.still_url),
  },
  { additionalProperties: false },
);
export const EpisodePatchBody = Type.Partial(EpisodePutBody, { additionalProperties: false, minProperties: 1 });

export const SeasonFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  overview: nullable(Overview),
  air_date: nullable(Day),
  poster_url: nullable(HttpsUrl),
};
export const SeasonCreateBody = Type.Object(
  {
    season_number: Type.Integer({
      minimum: 0,
      maximum: 999,
      description: '0 holds specials (not counted in season_count)',
    }),
    name: Type.Optional(SeasonFields.name),
    overview: Type.Optional(SeasonFields.overview),
    air_date: Type.Optional(SeasonFields.air_date),
    poster_url: Type.Optional(SeasonFields.poster_url),
    episodes: Type.Optional(Type.Array(EpisodeCreateBody, { maxItems: 500 })),
  },
  { additionalProperties: false },
);
export const SeasonPutBody = Type.Object(
  {
    name: SeasonFields.name,
    overview: Type.Optional(SeasonFields.overview),
    air_date: Type.Optional(SeasonFields.air_date),
    poster_url: Type.Optional(SeasonFields.poster_url),
  },
  { additionalProperties: false },
);
export const SeasonPatchBody = Type.Partial(SeasonPutBody, { additionalProperties: false, minProperties: 1 });

// The editable fields of a title; PUT sends all of them (optional ones omitted become empty), PATCH any.
const editable = {
  title: Type.String({ minLength: 1, maxLength: 300, examples: ['The Quiet Harbour'] }),
  original_title: Type.Optional(nullable(Type.String({ minLength: 1, maxLength: 300 }))),
  original_language: Type.Optional(
    nullable(Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', maxLength: 10, examples: ['en'] })),
  ),
  overview: Type.Optional(nullable(Overview)),
  release_date: Type.Optional(nullable(Day)),
  runtime: Type.Optional(nullable(Minutes)),
  genre_ids: Type.Optional(GenreIds),
  certification: Type.Optional(Certification),
  popularity: Type.Optional(Type.Number({ minimum: 0, maximum: 1_000_000 })),
  poster_url: Type.Optional(nullable(HttpsUrl)),
  backdrop_url: Type.Optional(nullable(HttpsUrl)),
  homepage: Type.Optional(nullable(Type.String({ format: 'uri', pattern: '^https?://', maxLength: 500 }))),
  cast: Type.Optional(Type.Array(CastInput, { maxItems: 100, description: 'In billing order' })),
  directors: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 20, uniqueItems: true }),
  ),
};

export const ContentCreateBody = Type.Object(
  {
    type: Kind,
    ...editable,
    seasons: Type.Optional(Type.Array(SeasonCreateBody, { maxItems: 100, description: 'Series only' })),
  },
  { additionalProperties: false },
);
export const ContentPutBody = Type.Object(editable, { additionalProperties: false });
export const ContentPatchBody = Type.Partial(ContentPutBody, { additionalProperties: false, minProperties: 1 });

export type ContentCreateInput = Static<typeof ContentCreateBody>;
export type ContentEditInput = Static<typeof ContentPatchBody>;
export type SeasonCreateInput = Static<typeof SeasonCreateBody>;
export type SeasonEditInput = Static<typeof SeasonPatchBody>;
export type EpisodeCreateInput = Static<typeof EpisodeCreateBody>;
export type EpisodeEditInput = Static<typeof EpisodePatchBody>;

export const ListQuery = Type.Object(
  {
    ...pageQuery(100),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the title' })),
    type: Type.Optional(Kind),
    source: Type.Optional(Type.Union([Type.Literal('tmdb'), Type.Literal('local')])),
    include_deleted: Type.Boolean({ default: false, description: 'Also list soft-deleted titles' }),
  },
  { additionalProperties: false },
);

// Views.
export const AdminEpisodeSchema = Type.Object(
  {
    id: Type.String(),
    season_number: Type.Integer(),
    episode_number: Type.Integer(),
    name: Type.String(),
    overview: nullable(Type.String()),
    air_date: nullable(Type.String({ format: 'date' })),
    runtime: nullable(Type.Integer()),
    still_url: nullable(Type.String()),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'AdminEpisode', description: 'An episode as admins see and edit it' },
);
export const AdminEpisode = ref(AdminEpisodeSchema);
export type AdminEpisode = Static<typeof AdminEpisode>;
export const AdminSeasonSchema = Type.Object(
  {
    id: Type.String(),
    season_number: Type.Integer(),
    name: Type.String(),
    overview: nullable(Type.String()),
    air_date: nullable(Type.String({ format: 'date' })),
    poster_url: nullable(Type.String()),
    episode_count: Type.Integer(),
    updated_at: Type.String({ format: 'date-time' }),
    episodes: Type.Optional(Type.Array(AdminEpisode)),
  },
  { $id: 'AdminSeason', description: 'A season as admins see and edit it' },
);
export const AdminSeason = ref(AdminSeasonSchema);
export type AdminSeason = Static<typeof AdminSeason>;

const summaryFields = {
  id: Type.String({ examples: ['o3k9x0a7q2b'] }),
  type: Kind,
  source: Type.Union([Type.Literal('tmdb'), Type.Literal('local')]),
  title: Type.String(),
  release_date: nullable(Type.String({ format: 'date' })),
  certification: Type.String({ examples: ['PG-13'] }),
  maturity_level: Type.Integer({ minimum: 0, maximum: 3, description: '0 kids, 1 family, 2 teen, 3 adult' }),
  popularity: Type.Number(),
  season_count: nullable(Type.Integer()),
  episode_count: nullable(Type.Integer()),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  deleted_at: nullable(Type.String({ format: 'date-time' })),
};
export const AdminContentSummarySchema = Type.Object(summaryFields, {
  $id: 'AdminContentSummary',
  description: 'A title as the admin list shows it',
});
export const AdminContentSummary = ref(AdminContentSummarySchema);
export type AdminContentSummary = Static<typeof AdminContentSummary>;
export const AdminContentSchema = Type.Object(
  {
    ...summaryFields,
    tmdb_id: nullable(Type.Integer()),
    original_title: nullable(Type.String()),
    original_language: nullable(Type.String()),
    overview: nullable(Type.String()),
    runtime: nullable(Type.Integer()),
    genre_ids: Type.Array(Type.Integer()),
    genres: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
    poster_url: nullable(Type.String()),
    backdrop_url: nullable(Type.String()),
    homepage: nullable(Type.String()),
    vote_average: Type.Number(),
    vote_count: Type.Integer(),
    cast: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), character: nullable(Type.String()) })),
    directors: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
    seasons: Type.Array(AdminSeason, { description: 'Live seasons with their live episodes (series only)' }),
  },
  { $id: 'AdminContent', description: 'A title as admins see and edit it' },
);
export const AdminContent = ref(AdminContentSchema);
export type AdminContent = Static<typeof AdminContent>;

export const AdminContentResponse = envelope(Type.Object({ content: AdminContent }));
export const AdminContentListResponse = envelope(
  Type.Object({ content: Type.Array(AdminContentSummary), pagination: Pagination }),
);
export const AdminSeasonResponse = envelope(Type.Object({ season: AdminSeason }));
export const AdminEpisodeResponse = envelope(Type.Object({ episode: AdminEpisode }));
