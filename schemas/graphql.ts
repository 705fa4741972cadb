// The GraphQL schema of /api/v1/graphql, in SDL. Field names are the REST ones (snake_case), so a client
// reads the same shapes either way. `npm run graphql:schema` prints it to schema.graphql.
// List fields take `limit`; the cost rules (services/graphql/cost.ts) read it, or the default of the field.
import { buildSchema, printSchema } from 'graphql';

export const SDL = /* GraphQL */ `
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

input BrowseFilter {
  "Genre id (GET /movies/genres)"
  genre: Int
  "movie or series"
  type: String
  "Certification"
  rating: String
  "Original language, ISO 639-1"
  language: String
  year_from: Int
  year_to: Int
}

enum BrowseSort {
  popularity
  release_date
  rating
}

input ProgressInput {
  position: Float!
  duration: Float!
  episode_id: String
  client_time: String
}

input ProfileCreateInput {
  name: String!
  avatar_url: String
  maturity_rating: String
  language: String
  pin: String
}

input ProfileUpdateInput {
  name: String
  avatar_url: String
  is_kids: Boolean
  maturity_rating: String
  language: String
}

type Query {
  "The caller's account, viewer profiles, subscription and entitlements."
  me: Me!
  "One title (404 NOT_FOUND unknown; CONTENT_RESTRICTED above the profile's maturity)."
  title(id: ID!, profileId: ID): Title!
  browse(filter: BrowseFilter, sort: BrowseSort = popularity, page: Int = 1, limit: Int = 20, profileId: ID): TitlePage!
  "By title, original title, cast, director or genre; typos tolerated; ranked by relevance, then popularity."
  search(q: String!, page: Int = 1, limit: Int = 20, profileId: ID): TitlePage!
  "The home screen of a profile (default: X-Profile-Id, else the account's first)."
  home(profileId: ID): Home!
  favourites(page: Int = 1, limit: Int = 20, profileId: ID): TitlePage!
  watchlist(page: Int = 1, limit: Int = 20, profileId: ID): TitlePage!
  history(page: Int = 1, limit: Int = 20, profileId: ID): HistoryPage!
  notifications(page: Int = 1, limit: Int = 20, unread_only: Boolean = false): NotificationPage!
}

type Mutation {
  addFavourite(contentId: ID!, profileId: ID): CollectionChange!
  removeFavourite(contentId: ID!, profileId: ID): CollectionChange!
  addToWatchlist(contentId: ID!, profileId: ID): CollectionChange!
  removeFromWatchlist(contentId: ID!, profileId: ID): CollectionChange!
  "up or down; one rating per profile and title."
  rate(contentId: ID!, rating: String!, profileId: ID): Rating!
  recordProgress(contentId: ID!, input: ProgressInput!, profileId: ID): Progress!
  "Marks the given notifications read, or every one when ids is left out."
  markNotificationsRead(ids: [ID!]): MarkReadResult!
  createProfile(input: ProfileCreateInput!): ViewerProfile!
  updateProfile(id: ID!, input: ProfileUpdateInput!): ViewerProfile!
}

type Subscription {
  "New notifications of the signed-in account, from any instance."
  notificationAdded: NotificationEvent!
}
`;

/** The SDL as graphql-js prints it: what schema.graphql holds and GET /api/v1/graphql/schema.graphql serves. */
export const printedSchema = (): string => `${printSchema(buildSchema(SDL))}\n`;
