// The shared shapes route schemas reference by `$ref` (see `ref` in common.ts): registered once with
// app.addSchema (plugins/docs.ts) and named under components.schemas in the OpenAPI document.
import type { TSchema } from '@sinclair/typebox';
import {
  AdminContentSchema,
  AdminContentSummarySchema,
  AdminEpisodeSchema,
  AdminSeasonSchema,
} from './admin-content.ts';
import { MediaProcessingStatusSchema } from './media.ts';
import { User } from './auth.ts';
import { EntitlementsSchema, InvoiceSchema, PlanSchema, SubscriptionSchema } from './billing.ts';
import { ErrorResponse, MessageResponseSchema, PaginationSchema } from './common.ts';
import { SearchResult } from './content.ts';
import { EpisodeSummary, PlaybackProgress, RatingSchema } from './library.ts';
import { Episode, Season } from './movies.ts';
import { BroadcastSchema, NotificationSchema } from './notifications.ts';
import { Account, LoginSession } from './profile.ts';
import { ViewerProfile } from './profiles.ts';
import { RecommendedCardSchema } from './recommendations.ts';
import { PartyStateSchema } from './watch-parties.ts';

// MovieCard, MovieDetails and ContentItem are registered by plugins/catalog.ts.
export const components: TSchema[] = [
  ErrorResponse,
  MessageResponseSchema,
  PaginationSchema,
  User,
  Account,
  LoginSession,
  ViewerProfile,
  Episode,
  Season,
  SearchResult,
  RecommendedCardSchema,
  EpisodeSummary,
  PlaybackProgress,
  RatingSchema,
  PlanSchema,
  EntitlementsSchema,
  SubscriptionSchema,
  InvoiceSchema,
  NotificationSchema,
  BroadcastSchema,
  AdminEpisodeSchema,
  AdminSeasonSchema,
  AdminContentSummarySchema,
  AdminContentSchema,
  MediaProcessingStatusSchema,
  PartyStateSchema,
];
