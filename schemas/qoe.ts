// Schemas of playback quality (QoE): the player's beacon for a playback session, and the admin report.
import { Type } from '@sinclair/typebox';
import { StoredContentId, Uuid, envelope } from './common.ts';

const Count = (description: string, maximum = 1_000_000) => Type.Integer({ minimum: 0, maximum, description });

export const BeaconParams = Type.Object({ session_id: Uuid }, { additionalProperties: false });

/** Totals since the session started (not deltas), so a lost or repeated beacon changes nothing. */
export const BeaconBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('start'), Type.Literal('heartbeat'), Type.Literal('stop')], {
      description: 'start when playback begins (or fails to), heartbeat every 30 s, stop when the viewer leaves',
    }),
    startup_ms: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: 600_000 }), Type.Null()], {
        description: 'Play request to first frame; null while the video has not started',
      }),
    ),
    watch_ms: Count('Time the video was playing', 86_400_000),
    rebuffer_count: Count('Stalls after the first frame'),
    rebuffer_ms: Count('Time spent stalled after the first frame', 86_400_000),
    bitrate_switches: Count('Rendition changes'),
    avg_bitrate_kbps: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 200_000, description: 'Time-weighted bitrate of what played' }),
    ),
    renditions: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_.x-]{1,20}$' }), {
      maxItems: 20,
      description: 'Renditions played, e.g. 720p',
    }),
    dropped_frames: Count('Frames the decoder dropped', 100_000_000),
    fatal_errors: Count('Errors that stopped playback', 1000),
  },
  { additionalProperties: false },
);

export const BeaconResponse = envelope(
  Type.Object({ session_id: Uuid, beacons: Type.Integer({ description: 'Beacons received for the session' }) }),
);

export const QoeQuery = Type.Object(
  {
    content_id: Type.Optional(StoredContentId),
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Sessions started at or after; default 7 days ago' }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Sessions started before; default now' })),
  },
  { additionalProperties: false },
);

const Nullable = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });

const Metrics = {
  sessions: Type.Integer(),
  watch_seconds: Type.Number(),
  startup_p50_ms: Nullable('Median startup time of sessions that started'),
  startup_p95_ms: Nullable('95th percentile startup time'),
  rebuffering_ratio: Type.Number({ description: 'Stalled time ÷ watch time' }),
  exits_before_start: Type.Integer({ description: 'Sessions left (or silent for 2 min) before the first frame' }),
  exit_before_start_rate: Type.Number(),
  error_rate: Type.Number({ description: 'Share of sessions with a fatal error' }),
  avg_bitrate_kbps: Nullable('Watch-time-weighted average bitrate'),
  score: Type.Integer({
    minimum: 0,
    maximum: 100,
    description:
      'round(100 × (1 − 0.35·S − 0.30·R − 0.20·E − 0.15·X)) with S = (startup p95 − 1 s) ÷ 9 s, R = rebuffering ratio ÷ 0.05, ' +
      'E = error rate ÷ 0.10, X = exit-before-start rate ÷ 0.20, each clamped to [0, 1]',
  }),
};

export const QoeReportResponse = envelope(
  Type.Object({
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    overall: Type.Object(Metrics),
    titles: Type.Array(Type.Object({ content_id: Type.String(), ...Metrics }), {
      description: 'Per title, most sessions first (at most 200)',
    }),
  }),
);
