// The entry points of the GraphQL schema (schemas/graphql.ts): the inputs, Query, Mutation and
// Subscription; each resolver calls the service its REST route calls (routes/graphql).
export const OPERATIONS_SDL = /* GraphQL */ `
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
