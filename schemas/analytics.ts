// Schemas of the analytics routes (seed 001): client events, one or a batch, and a profile's viewing stats.
import { type Static, Type } from '@sinclair/typebox';
import { ContentId, Uuid, envelope } from './common.ts';
import { DEVICE_TYPES, EVENT_TYPES, MAX_BATCH } from '../services/analytics/rules.ts';

const DeviceType = Type.Union(
  DEVICE_TYPES.map((d) => Type.Literal(d)),
  { description: 'Where the event happened' },
);

/** Known metadata keys are typed; other keys are kept as sent, within the size and depth bounds. */
const Metadata = Type.Object(
  {
    device_type: Type.Optional(DeviceType),
    quality: Type.Optional(Type.String({ maxLength: 10, examples: ['1080p'] })),
    position: Type.Optional(Type.Number({ minimum: 0, maximum: 172_800, description: 'Playback position, s' })),
    watched_seconds: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 86_400,
        description: 'Seconds watched since the previous video event of the playback; summed into watch time',
      }),
    ),
    query: Type.Optional(Type.String({ maxLength: 200, description: 'search: the query' })),
  },
  {
    additionalProperties: true,
    maxProperties: 20,
    description: 'Free-form details: at most 20 keys, 2 KiB as JSON and 3 levels of nesting',
  },
);

export const AnalyticsEventSchema = Type.Object(
  {
    event_type: Type.Union(
      EVENT_TYPES.map((e) => Type.Literal(e)),
      { description: 'video_* events need content_id' },
    ),
    profile_id: Type.String({ format: 'uuid', description: 'A profile of the caller’s account' }),
    content_id: Type.Optional(ContentId),
    timestamp: Type.String({
      format: 'date-time',
      description: 'Client time: over 5 minutes ahead is clamped to the server’s; over 7 days old is refused',
    }),
    event_id: Type.Optional(
      Type.String({ format: 'uuid', description: 'Client id: an event sent again with the same id is stored once' }),
    ),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);
export type AnalyticsEventInput = Static<typeof AnalyticsEventSchema>;

const AnalyticsEvent = AnalyticsEventSchema;

export const EventsBody = Type.Union(
  [
    AnalyticsEvent,
    Type.Object(
      { events: Type.Array(AnalyticsEvent, { minItems: 1, maxItems: MAX_BATCH }) },
      { additionalProperties: false },
    ),
  ],
  { description: `One event, or \`{ "events": [...] }\` with 1 to ${MAX_BATCH}` },
);

export const EventsResponse = envelope(
  Type.Object({
    accepted: Type.Integer({ description: 'Events stored by this request' }),
    duplicates: Type.Integer({ description: 'Events whose event_id was already stored' }),
  }),
);

export const StatsParams = Type.Object({ profile_id: Uuid }, { additionalProperties: false });

const Watch = { watch_seconds: Type.Number(), titles: Type.Integer({ description: 'Titles played' }) };

export const StatsResponse = envelope(
  Type.Object({
    profile_id: Uuid,
    total_watch_seconds: Type.Number(),
    titles_started: Type.Integer(),
    titles_completed: Type.Integer(),
    by_genre: Type.Array(Type.Object({ genre_id: Type.String(), name: Type.String(), ...Watch })),
    by_day: Type.Array(Type.Object({ day: Type.String({ format: 'date' }), ...Watch }), {
      description: 'The last 30 days (UTC), oldest first, days without viewing included',
    }),
    by_device: Type.Array(Type.Object({ device_type: Type.String(), ...Watch })),
    current_streak_days: Type.Integer({ description: 'Consecutive days with viewing, ending today or yesterday' }),
    aggregated_through: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'Events received up to about this time are counted (the rollup runs every minute)',
    }),
  }),
);
