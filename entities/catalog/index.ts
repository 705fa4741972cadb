// The catalog entities: titles and their genre rows, seasons, episodes, people, credits and reviews.
import { Credit, type CreditSchema, Person, type PersonSchema } from './credit.ts';
import { Episode, type EpisodeSchema, Season, type SeasonSchema } from './episode.ts';
import { Review, type ReviewSchema } from './review.ts';
import { Title, TitleGenre, type TitleGenreSchema, type TitleSchema } from './title.ts';

export const catalogEntities = [Title, TitleGenre, Season, Episode, Person, Credit, Review];
export type CatalogSchemas =
  | typeof TitleSchema
  | typeof TitleGenreSchema
  | typeof SeasonSchema
  | typeof EpisodeSchema
  | typeof PersonSchema
  | typeof CreditSchema
  | typeof ReviewSchema;
