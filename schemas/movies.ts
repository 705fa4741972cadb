// Seed 003's MOVIE_LIST and MOVIE_DETAILS, the content id, and the /movies queries.
import { Type } from '@sinclair/typebox';
import { ContentId, Pagination, envelope, pageQuery, ref } from './common.ts';

const Nullable = <
  T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer> | ReturnType<typeof Type.Number>,
>(
  t: T,
) => Type.Union([t, Type.Null()]);
const Day = Type.String({ format: 'date', examples: ['1995-10-20'] });

export { ContentId };
export const IdParams = Type.Object({ id: ContentId });

export const Flags = {
  is_favorite: Type.Boolean(),
  in_watchlist: Type.Boolean(),
  user_rating: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Null()]),
  resume_position: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Seconds into the title where playback resumes',
  }),
};

export const cardProperties = {
  id: Type.String({ examples: ['m238'] }),
  title: Type.String({ examples: ['The Godfather'] }),
  poster: Nullable(Type.String()),
  backdrop: Nullable(Type.String()),
  synopsis: Type.String(),
  release_date: Nullable(Day),
  duration: Nullable(Type.Integer({ description: 'Minutes (per episode for a series)' })),
  genres: Type.Array(Type.String(), { examples: [['Drama', 'Crime']] }),
  rating: Type.Number({ description: 'Average vote, 0–10', examples: [8.7] }),
  is_series: Type.Boolean(),
  certification: Type.String({ examples: ['R'] }),
  ...Flags,
};

export const MovieCard = Type.Object(cardProperties, {
  $id: 'MovieCard',
  description: 'A title card of a movie list, with the viewer’s flags',
});
export const CardRef = ref(MovieCard);

export const MovieListResponse = envelope(
  Type.Object({ movies: Type.Array(CardRef), pagination: Pagination }),
  'MOVIE_LIST',
);

export const PageQuery = Type.Object(pageQuery(50));

const SearchText = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'Title, original title, cast, director or genre; typos tolerated',
});
export const SearchMoviesQuery = Type.Object({ q: SearchText, ...pageQuery(50) });
/** Seed 004's GET /movies/?query=&page= spelling of the search. */
export const QueryMoviesQuery = Type.Object({ query: SearchText, ...pageQuery(50) });

export const Episode = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    overview: Type.String(),
    air_date: Nullable(Day),
    episode_number: Type.Integer(),
    runtime: Nullable(Type.Integer()),
    season_number: Type.Integer(),
    still_path: Nullable(Type.String()),
    vote_average: Type.Number(),
  },
  { $id: 'Episode', description: 'An episode of a series' },
);

export const Season = Type.Object(
  {
    id: Type.String(),
    air_date: Nullable(Day),
    episode_count: Type.Integer(),
    name: Type.String(),
    overview: Type.String(),
    poster_path: Nullable(Type.String()),
    season_number: Type.Integer(),
    vote_average: Type.Number(),
    episodes: Type.Array(ref(Episode)),
  },
  { $id: 'Season', description: 'A season of a series with its episodes' },
);

export const MovieDetails = Type.Object(
  {
    id: Type.String({ examples: ['s119051'] }),
    is_series: Type.Boolean(),
    title: Type.String(),
    original_title: Nullable(Type.String()),
    language: Nullable(Type.String({ examples: ['English'] })),
    original_language: Nullable(Type.String({ examples: ['en'] })),
    release_date: Nullable(Day),
    rating: Type.Number(),
    vote_count: Type.Integer(),
    runtime: Nullable(Type.Integer({ description: 'Minutes; null for a series' })),
    certification: Type.String(),
    network: Nullable(Type.String()),
    network_logo: Nullable(Type.String()),
    backdrop_url: Nullable(Type.String()),
    poster_url: Nullable(Type.String()),
    genres: Type.Array(Type.String()),
    synopsis: Type.String(),
    homepage: Nullable(Type.String()),
    directors: Type.Array(Type.String()),
    seasons: Type.Array(ref(Season)),
    cast: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        profile_path: Nullable(Type.String()),
        character: Nullable(Type.String()),
        order: Type.Integer(),
      }),
    ),
    reviews: Type.Array(
      Type.Object({
        id: Type.String(),
        author: Type.String(),
        avatar: Nullable(Type.String()),
        rating: Nullable(Type.Number()),
        content: Type.String(),
        created_at: Type.String(),
      }),
    ),
    recommendations: Type.Array(CardRef),
    upvotes: Type.Integer({ minimum: 0 }),
    downvotes: Type.Integer({ minimum: 0 }),
    ...Flags,
  },
  { $id: 'MovieDetails', description: 'A title with its seasons, cast, reviews and the viewer’s flags' },
);

export const MovieDetailsResponse = envelope(Type.Object({ movie: ref(MovieDetails) }), 'MOVIE_DETAILS');
