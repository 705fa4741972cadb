// Schemas of the playback routes (seed 001 streaming): manifest, start and stop.
import { Type } from '@sinclair/typebox';
import { Uuid, EpisodeId, envelope } from './common.ts';
import { QUALITIES } from '../services/playback/renditions.ts';

const Quality = Type.Union(
  QUALITIES.map((q) => Type.Literal(q)),
  { description: 'Lowered to the plan’s maximum resolution' },
);

export const ManifestQuery = Type.Object({ episode_id: Type.Optional(EpisodeId) }, { additionalProperties: false });

const Signed = (description: string) => Type.String({ description: `${description}; signed, expires at expires_at` });

export const ManifestResponse = envelope(
  Type.Object({
    content_id: Type.String(),
    episode_id: Type.Union([Type.String(), Type.Null()]),
    media_id: Type.String({ format: 'uuid', description: 'The ready asset the links point into' }),
    duration_seconds: Type.Number({ description: 'Measured from the media' }),
    manifest_url: Signed('HLS master playlist (only renditions within the plan)'),
    expires_at: Type.String({ format: 'date-time' }),
    max_quality: Type.String({ examples: ['1080p'] }),
    available_qualities: Type.Array(Type.String({ examples: ['720p'] })),
    top_resolution: Type.Union([Type.String({ examples: ['1280x720'] }), Type.Null()]),
    drm_license_url: Signed(
      'Key endpoint of the AES-128 (HLS clear-key) encryption; a studio DRM licence server would be named here',
    ),
    poster_url: Signed('Poster frame (JPEG)'),
    storyboard_url: Signed('WebVTT storyboard of sprite thumbnails for seek previews'),
    subtitles: Type.Array(Type.Object({ language: Type.String(), name: Type.String(), url: Signed('WebVTT file') })),
    audio_tracks: Type.Array(
      Type.Object({
        language: Type.String(),
        name: Type.String(),
        codec: Type.String(),
        default: Type.Boolean(),
        url: Signed('HLS audio rendition playlist'),
      }),
    ),
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
    manifest_url: Type.Union([Type.String(), Type.Null()], {
      description: 'Signed master playlist; null while the title has no ready media (the slot is still taken)',
    }),
    expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    heartbeat_seconds: Type.Integer({
      description: 'Send progress (with session_id) at least this often to keep the stream slot',
    }),
  }),
);

export const StopBody = Type.Object({ session_id: Uuid }, { additionalProperties: false });
export const StopResponse = envelope(
  Type.Object({ session_id: Type.String(), status: Type.Literal('stopped'), duration_seconds: Type.Integer() }),
);

/** The signed grant every media URL carries (schemas/media.ts). */
export { GrantQuery as MediaQuery } from './media.ts';
