// The GraphQL schema of /api/v1/graphql, in SDL. Field names are the REST ones (snake_case), so a client
// reads the same shapes either way. `npm run graphql:schema` prints it to schema.graphql.
// List fields take `limit`; the cost rules (services/graphql/cost.ts) read it, or the default of the field.
import { buildSchema, printSchema } from 'graphql';
import { OPERATIONS_SDL } from './graphql-operations.ts';

const TYPES_SDL = /* GraphQL */ `
"A movie or a series, as a card; lists and title(id) return the same type."
type Title {
  id: ID!
  title: String!
  "movie or series"
  type: String!
  is_series: Boolean!
  poster: String
  backdrop: String
  synopsis: String!
  release_date: String
  release_year: Int
  "Minutes (per episode for a series)"
  duration: Int
  genres: [String!]!
  "Average vote, 0-10"
  rating: Float!
  certification: String!
  is_favorite: Boolean!
  in_watchlist: Boolean!
  "up, down or null"
  user_rating: String
  "Seconds into the title where playback resumes"
  resume_position: Int
  "Live seasons of a series (empty for a movie), batched across every title of the response."
  seasons: [Season!]!
  "Billed cast, in billing order."
  cast(limit: Int = 10): [CastMember!]!
  directors: [String!]!
  "Titles viewers here watch together with this one (signed-in callers)."
  similar(limit: Int = 10): [ScoredTitle!]!
}

type Season {
  id: ID!
  season_number: Int!
  name: String!
  overview: String!
  air_date: String
  episode_count: Int!
  poster: String
  vote_average: Float!
  episodes: [Episode!]!
}

type Episode {
  id: ID!
  season_number: Int!
  episode_number: Int!
  name: String!
  overview: String!
  air_date: String
  runtime: Int
  still: String
  vote_average: Float!
}

type CastMember {
  id: ID!
  name: String!
  character: String
  order: Int!
  profile_path: String
}

"A title with how sure the recommender is of it (0..1)."
type ScoredTitle {
  confidence_score: Float!
  title: Title!
}

type RecommendationRow {
  category: String!
  content: [ScoredTitle!]!
}

type PageInfo {
  page: Int!
  limit: Int!
  total: Int!
  total_pages: Int!
}

type TitlePage {
  content: [Title!]!
  pagination: PageInfo!
}

type EpisodeRef {
  id: ID!
  season_number: Int!
  episode_number: Int!
  name: String!
  "Minutes"
  runtime: Int
  still: String
}

type PlaybackState {
  position: Float!
  duration: Float!
  "Over 90 %: watched"
  completed: Boolean!
}

"A title being watched: where to resume (continue watching) or what comes next (next up)."
type WatchingEntry {
  title: Title!
  episode: EpisodeRef
  progress: PlaybackState
  updated_at: String!
}

type HistoryEntry {
  title: Title!
  episode: EpisodeRef
  progress: PlaybackState
  watched_at: String!
}

type HistoryPage {
  items: [HistoryEntry!]!
  pagination: PageInfo!
}

"One round trip for the home screen of a viewer profile."
type Home {
  profile_id: ID!
  continue_watching(limit: Int = 10): [WatchingEntry!]!
  next_up(limit: Int = 10): [WatchingEntry!]!
  recommendations: [RecommendationRow!]!
  trending(limit: Int = 20): [Title!]!
  my_list(limit: Int = 20): [Title!]!
}

type Account {
  id: ID!
  name: String!
  email: String!
  genres: [String!]!
  maturity_filter: String!
  preferred_language: String!
  role: String!
  created_at: String!
}

type ViewerProfile {
  id: ID!
  name: String!
  avatar_url: String
  is_kids: Boolean!
  language: String!
  maturity_rating: String!
  has_pin: Boolean!
}

type BillingSubscription {
  id: ID!
  plan: String!
  interval: String!
  status: String!
  current_period_end: String!
  cancel_at_period_end: Boolean!
}

type Entitlements {
  active: Boolean!
  plan: String
  max_streams: Int!
  max_resolution: String
  max_profiles: Int!
  status: String!
}

type Me {
  account: Account!
  profiles: [ViewerProfile!]!
  subscription: BillingSubscription
  entitlements: Entitlements!
}

type Notification {
  id: ID!
  type: String!
  title: String!
  message: String!
  read: Boolean!
  created_at: String!
  movie_id: String
  image: String
}

type NotificationPage {
  notifications: [Notification!]!
  unread_count: Int!
  pagination: PageInfo!
}

type NotificationEvent {
  notification: Notification!
  unread_count: Int!
}

type Rating {
  id: ID!
  movie_id: String!
  title: String!
  rating: String!
  created_at: String!
  updated_at: String!
}

type CollectionChange {
  content_id: ID!
  changed: Boolean!
}

type MarkReadResult {
  updated: Int!
  unread_count: Int!
}

type Progress {
  content_id: ID!
  episode_id: String
  position: Float!
  duration: Float!
  resume_position: Float
  completed: Boolean!
  updated_at: String!
  applied: Boolean!
}

`;

/** The whole schema: the object types above and the operations over them. */
export const SDL = TYPES_SDL + OPERATIONS_SDL;

/** The SDL as graphql-js prints it: what schema.graphql holds and GET /api/v1/graphql/schema.graphql serves. */
export const printedSchema = (): string => `${printSchema(buildSchema(SDL))}\n`;
