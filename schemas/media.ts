// Schemas of the media pipeline: the processing status admins see, upload metadata, and the signed grant
// query every media URL carries.
import { type TSchema, Type } from '@sinclair/typebox';
import { envelope, ref } from './common.ts';

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Stage = Type.Union(['pending', 'in_progress', 'completed', 'failed'].map((s) => Type.Literal(s)));
export const EpisodeId = Type.String({ minLength: 1, maxLength: 60, pattern: '^[A-Za-z0-9_-]+$' });
export const Language = Type.String({
  minLength: 2,
  maxLength: 16,
  pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$',
  description: 'BCP 47 or ISO 639-2 language tag',
});

export const MediaProcessingStatusSchema = Type.Object(
  {
    content_id: Type.String(),
    episode_id: Type.Optional(nullable(Type.String())),
    media_id: Type.Optional(Type.String({ format: 'uuid', description: 'The newest upload (absent with no media)' })),
    status: Type.Union(
      ['no_media', 'uploading', 'processing', 'ready', 'failed'].map((s) => Type.Literal(s)),
      { description: 'State of the newest upload; `no_media` until a video is uploaded' },
    ),
    progress: Type.Integer({ minimum: 0, maximum: 100, description: 'From ffmpeg’s own progress output' }),
    stages: Type.Object({ upload: Stage, encoding: Stage, thumbnail_generation: Stage, cdn_distribution: Stage }),
    estimated_completion: nullable(Type.String({ format: 'date-time' })),
    error: Type.Optional(nullable(Type.String({ description: 'Why processing failed (status `failed`)' }))),
    playable: Type.Optional(
      Type.Boolean({ description: 'A ready ladder is served (perhaps an older one while a new one is processed)' }),
    ),
    duration_seconds: Type.Optional(nullable(Type.Number())),
    renditions: Type.Optional(Type.Array(Type.String({ examples: ['720p'] }))),
  },
  { $id: 'ProcessingStatus', description: 'Media processing state of a title or episode' },
);
export const MediaProcessingStatus = ref(MediaProcessingStatusSchema);
export const MediaProcessingStatusResponse = envelope(MediaProcessingStatus);
export const ProcessingStatusQuery = Type.Object(
  { episode_id: Type.Optional(EpisodeId) },
  { additionalProperties: false },
);

/** The tus `Upload-Metadata` keys an upload must carry. */
export const UploadMetadata = Type.Object(
  {
    content_id: Type.String({ minLength: 2, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' }),
    episode_id: Type.Optional(EpisodeId),
    kind: Type.Optional(Type.Union([Type.Literal('video'), Type.Literal('audio'), Type.Literal('subtitle')])),
    language: Type.Optional(Language),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    filename: Type.Optional(Type.String({ maxLength: 255 })),
    filetype: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

/** The grant a media URL carries: title (path), episode, resolution ceiling, expiry and the signature. */
export const GrantQuery = Type.Object(
  {
    episode_id: Type.Optional(EpisodeId),
    h: Type.Integer({ minimum: 1, maximum: 4320 }),
    exp: Type.Integer({ minimum: 0 }),
    sig: Type.String({ minLength: 20, maxLength: 100 }),
  },
  { additionalProperties: false },
);
