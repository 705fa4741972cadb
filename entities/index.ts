// Every entity the ORM knows, one list per domain; a domain adds its entities to its own index.
import { type AccountSchemas, accountEntities } from './accounts/index.ts';
import { type AnalyticsSchemas, analyticsEntities } from './analytics/index.ts';
import { type BillingSchemas, billingEntities } from './billing/index.ts';
import { type CatalogSchemas, catalogEntities } from './catalog/index.ts';
import { type EngagementSchemas, engagementEntities } from './engagement/index.ts';
import { type JobSchemas, jobEntities } from './jobs/index.ts';
import { type LibrarySchemas, libraryEntities } from './library/index.ts';
import { type MediaSchemas, mediaEntities } from './media/index.ts';
import { type WatchPartySchemas, watchPartyEntities } from './watch-parties/index.ts';

export const entities = [
  ...accountEntities,
  ...catalogEntities,
  ...libraryEntities,
  ...billingEntities,
  ...engagementEntities,
  ...jobEntities,
  ...mediaEntities,
  ...analyticsEntities,
  ...watchPartyEntities,
];

/** The entity definitions the typed query builder (repositories/db.ts) reads its table types from. */
export type EntitySchemas =
  | AccountSchemas
  | CatalogSchemas
  | LibrarySchemas
  | BillingSchemas
  | EngagementSchemas
  | JobSchemas
  | MediaSchemas
  | AnalyticsSchemas
  | WatchPartySchemas;
