// Library schemas: favourites (seed 003 MOVIE_LIST), watchlist, history, continue watching, next up,
// ratings (seed 004) and the playback progress heartbeat (seed 001).
import { type Static, Type } from '@sinclair/typebox';
import { ContentId, EpisodeId, Pagination, Uuid, envelope, pageQuery, ref } from './common.ts';
import { CardRef, cardProperties } from './movies.ts';

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) =>
  Type.Union([t, Type.Null()]);
const Seconds = Type.Number({ minimum: 0, maximum: 604_800, description: 'Seconds' });
const Vote = Type.Union([Type.Literal('up'), Type.Literal('down')], { description: 'Upvote or downvote' });
/** What a client may send: `up`/`down`, or seed 004's `UPVOTE`/`DOWNVOTE` (stored and answered as up/down). */
const VoteIn = Type.Union(
  [Type.Literal('up'), Type.Literal('down'), Type.Literal('UPVOTE'), Type.Literal('DOWNVOTE')],
  { description: 'Upvote or downvote: `up`/`down`, or `UPVOTE`/`DOWNVOTE`' },
);
export type VoteIn = Static<typeof VoteIn>;
export { EpisodeId };

/** A MOVIE_LIST item (seed 003) with the viewer's flags and the fields of one list. */
const cardWith = <P extends Parameters<typeof Type.Object>[0]>(extra: P) =>
  Type.Object({ ...cardProperties, ...extra });

export const PlaybackProgress = Type.Object(
  { position: Seconds, duration: Seconds, completed: Type.Boolean({ description: 'Over 90 %: watched' }) },
  { $id: 'PlaybackProgress', description: 'Seconds (the card’s `duration` is the runtime in minutes)' },
);
const Playback = ref(PlaybackProgress);

export const EpisodeSummary = Type.Object(
  {
    id: Type.String(),
    season_number: Type.Integer(),
    episode_number: Type.Integer(),
    name: Type.String(),
    runtime: Nullable(Type.Integer({ description: 'Minutes' })),
    still: Nullable(Type.String()),
  },
  { $id: 'EpisodeSummary', description: 'The episode a history, continue-watching or next-up entry is about' },
);
const Episode = ref(EpisodeSummary);

export const PageOnly = Type.Object(pageQuery(50));
export const ProfileParams = Type.Object({ id: Uuid });
export const ProfileContentParams = Type.Object({ id: Uuid, content_id: ContentId });
export const ContentParams = Type.Object({ content_id: ContentId });

// Favourites (seed 003)
export const FavouriteBody = Type.Object({ movie_id: ContentId }, { additionalProperties: false });
export const FavouriteQuery = Type.Object({ movie_id: ContentId }, { additionalProperties: false });
export const MovieList = envelope(Type.Object({ movies: Type.Array(CardRef), pagination: Pagination }), 'MOVIE_LIST');
export const CollectionChange = envelope(
  Type.Object({
    movie_id: Type.String(),
    changed: Type.Boolean({ description: 'False when the title was already in (add) or not in (remove) the list' }),
  }),
);

// Watchlist (seed 001)
export const WatchlistBody = Type.Object({ content_id: ContentId }, { additionalProperties: false });
export const WatchlistChange = envelope(Type.Object({ content_id: Type.String(), changed: Type.Boolean() }));
export const WatchlistResponse = envelope(Type.Object({ content: Type.Array(CardRef), pagination: Pagination }));

// History, continue watching, next up
export const HistoryResponse = envelope(
  Type.Object({
    history: Type.Array(
      cardWith({
        watched_at: Type.String({ format: 'date-time' }),
        episode: Type.Union([Episode, Type.Null()]),
        progress: Playback,
      }),
    ),
    pagination: Pagination,
  }),
);
export const HistoryRemoved = envelope(Type.Object({ content_id: Type.String(), changed: Type.Boolean() }));
export const HistoryCleared = envelope(Type.Object({ removed: Type.Integer({ minimum: 0 }) }));
export const ContinueResponse = envelope(
  Type.Object({
    content: Type.Array(
      cardWith({
        episode: Type.Union([Episode, Type.Null()]),
        progress: Playback,
        updated_at: Type.String({ format: 'date-time' }),
      }),
    ),
    pagination: Pagination,
  }),
);
export const NextUpResponse = envelope(
  Type.Object({
    content: Type.Array(cardWith({ episode: Episode, last_watched_at: Type.String({ format: 'date-time' }) })),
    pagination: Pagination,
  }),
);

// Progress (seed 001)
export const ProgressBody = Type.Object(
  {
    position: Seconds,
    duration: Type.Number({ exclusiveMinimum: 0, maximum: 604_800, description: 'Seconds' }),
    episode_id: Type.Optional(EpisodeId),
    session_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_.:-]+$',
        description:
          'The playback session from POST /streaming/{content_id}/start: each heartbeat keeps its stream slot alive',
      }),
    ),
    profile_id: Type.Optional(Uuid),
    client_time: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'When the client took this position; an older heartbeat than the stored one is ignored',
      }),
    ),
  },
  { additionalProperties: false },
);
export const ProgressResponse = envelope(
  Type.Object({
    content_id: Type.String(),
    episode_id: Nullable(Type.String()),
    position: Type.Number(),
    duration: Type.Number(),
    resume_position: Type.Union([Type.Number(), Type.Null()], {
      description: 'Null: not a resume point (under 5 %, watched, or under 5 minutes)',
    }),
    completed: Type.Boolean({ description: 'Over 90 %: watched' }),
    updated_at: Type.String({ format: 'date-time' }),
    applied: Type.Boolean({
      description: 'False when the heartbeat was older than the stored one and changed nothing',
    }),
  }),
);

// Ratings (seed 004)
export const RatingSchema = Type.Object(
  {
    id: Uuid,
    movie_id: Type.String(),
    title: Type.String(),
    rating: Vote,
    rating_type: Type.Union([Type.Literal('UPVOTE'), Type.Literal('DOWNVOTE')], {
      description: 'The same vote spelled UPVOTE/DOWNVOTE',
    }),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Rating', description: 'A profile’s up/down rating of a title' },
);
const Rating = ref(RatingSchema);
export const RatingParams = Type.Object({ id: Uuid });
export const RatingCreateBody = Type.Object({ movie_id: ContentId, rating: VoteIn }, { additionalProperties: false });
export const RatingPutBody = Type.Object(
  {
    movie_id: Type.Optional({ ...ContentId, description: 'Optional; when sent it must be the rated title' }),
    rating: VoteIn,
  },
  { additionalProperties: false },
);
export const RatingPatchBody = Type.Object({ rating: VoteIn }, { additionalProperties: false });
export const RatingResponse = envelope(Type.Object({ rating: Rating }));
export const RatingsResponse = envelope(Type.Object({ ratings: Type.Array(Rating), pagination: Pagination }));
