// Schemas of the playback routes (seed 001 streaming): manifest, start and stop.
import { Type } from '@sinclair/typebox';
import { Uuid, EpisodeId, envelope } from './common.ts';
import { QUALITIES } from '../services/playback/renditions.ts';

const Quality = Type.Union(
  QUALITIES.map((q) => Type.Literal(q)),
  { description: 'Lowered to the plan’s maximum resolution' },
);

export const ManifestQuery = Type.Object({ episode_id: Type.Optional(EpisodeId) }, { additionalProperties: false });

export const ManifestResponse = envelope(
  Type.Object({
    content_id: Type.String(),
    episode_id: Type.Union([Type.String(), Type.Null()]),
    manifest_url: Type.String({ description: 'Signed HLS master playlist URL; expires at expires_at' }),
    expires_at: Type.String({ format: 'date-time' }),
    max_quality: Type.String({ examples: ['1080p'] }),
    drm_license_url: Type.Union([Type.String(), Type.Null()], { description: 'null: the media is served without DRM' }),
    subtitles: Type.Array(Type.Object({ language: Type.String(), url: Type.String() })),
    audio_tracks: Type.Array(Type.Object({ language: Type.String(), codec: Type.String(), default: Type.Boolean() })),
  }),
);

export const StartBody = Type.Object(
  {
    profile_id: Type.Optional(
      Type.String({ format: 'uuid', description: 'Defaults to X-Profile-Id, then the first profile' }),
    ),
    device_type: Type.Union([Type.Literal('web'), Type.Literal('mobile'), Type.Literal('tv'), Type.Literal('tablet')]),
    quality: Quality,
    episode_id: Type.Optional(EpisodeId),
  },
  { additionalProperties: false },
);

export const StartResponse = envelope(
  Type.Object({
    session_id: Uuid,
    content_id: Type.String(),
    episode_id: Type.Union([Type.String(), Type.Null()]),
    quality: Type.String(),
    manifest_url: Type.String(),
    expires_at: Type.String({ format: 'date-time' }),
    heartbeat_seconds: Type.Integer({
      description: 'Send progress (with session_id) at least this often to keep the stream slot',
    }),
  }),
);

export const StopBody = Type.Object({ session_id: Uuid }, { additionalProperties: false });
export const StopResponse = envelope(
  Type.Object({ session_id: Type.String(), status: Type.Literal('stopped'), duration_seconds: Type.Integer() }),
);

export const MediaQuery = Type.Object(
  {
    episode_id: Type.Optional(EpisodeId),
    h: Type.Integer({ minimum: 1, maximum: 4320 }),
    exp: Type.Integer({ minimum: 0 }),
    sig: Type.String({ minLength: 20, maxLength: 100 }),
  },
  { additionalProperties: false },
);
