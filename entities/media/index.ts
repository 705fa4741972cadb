// The media entities: uploaded videos and their published HLS ladders, sidecar tracks, playback sessions.
import { defineEntity, p } from '@mikro-orm/core';

export const MEDIA_STATUSES = ['uploading', 'processing', 'ready', 'failed', 'replaced'] as const;
export const STAGE_NAMES = ['upload', 'encoding', 'thumbnail_generation', 'cdn_distribution'] as const;
export type StageName = (typeof STAGE_NAMES)[number];
export type StageState = 'pending' | 'in_progress' | 'completed' | 'failed';
export type Stages = Partial<Record<StageName, StageState>>;

/** One rendition of the published ladder, as the master playlist announces it. */
export interface Rendition {
  name: string;
  width: number;
  height: number;
  bandwidth: number;
  average_bandwidth: number;
  codecs: string;
}

export interface TrackInfo {
  language: string;
  name: string;
  codec: string;
  default: boolean;
}

export const MediaAssetSchema = defineEntity({
  name: 'MediaAsset',
  tableName: 'media_assets',
  properties: {
    id: p.uuid().primary(),
    titleId: p.string().length(40),
    episodeId: p.string().length(60).nullable(),
    status: p.enum(MEDIA_STATUSES).columnType('varchar(10)').default('uploading'),
    progress: p.integer().default(0),
    stages: p.json<Stages>().default('{}'),
    sourceKey: p.string().length(300).nullable(),
    sourceSize: p.bigint('number').nullable(),
    uploadedBy: p.uuid().nullable(),
    durationSeconds: p.double().nullable(),
    width: p.integer().nullable(),
    height: p.integer().nullable(),
    renditions: p.json<Rendition[]>().default('[]'),
    audioTracks: p.json<TrackInfo[]>().default('[]'),
    subtitles: p.json<TrackInfo[]>().default('[]'),
    encryptionKey: p.string().length(64).nullable().hidden(),
    error: p.text().nullable(),
    startedAt: p.datetime().nullable(),
    estimatedCompletion: p.datetime().nullable(),
    readyAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export class MediaAsset extends MediaAssetSchema.class {}
MediaAssetSchema.setClass(MediaAsset);

export const TRACK_KINDS = ['audio', 'subtitle'] as const;

/** A sidecar subtitle or audio language for a title or episode, merged into the next ladder. */
export const MediaTrackSchema = defineEntity({
  name: 'MediaTrack',
  tableName: 'media_tracks',
  properties: {
    id: p.uuid().primary(),
    titleId: p.string().length(40),
    episodeId: p.string().length(60).nullable(),
    kind: p.enum(TRACK_KINDS).columnType('varchar(8)'),
    language: p.string().length(16),
    label: p.string().length(60).nullable(),
    sourceKey: p.string().length(300),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export class MediaTrack extends MediaTrackSchema.class {}
MediaTrackSchema.setClass(MediaTrack);

export const PLAYBACK_STATUSES = ['active', 'stopped', 'expired'] as const;

/** One stream a device is playing, counted against the plan's stream limit (migration 0008). */
export const PlaybackSessionSchema = defineEntity({
  name: 'PlaybackSession',
  tableName: 'playback_sessions',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    profileId: p.uuid(),
    titleId: p.string().length(40),
    episodeId: p.string().length(60).nullable(),
    deviceType: p.string().length(10),
    quality: p.string().length(5),
    status: p.enum(PLAYBACK_STATUSES).columnType('varchar(8)').default('active'),
    startedAt: p.datetime().defaultRaw('now()'),
    lastHeartbeatAt: p.datetime().defaultRaw('now()'),
    endedAt: p.datetime().nullable(),
  },
});
export class PlaybackSession extends PlaybackSessionSchema.class {}
PlaybackSessionSchema.setClass(PlaybackSession);

export const mediaEntities = [MediaAsset, MediaTrack, PlaybackSession];
export type MediaSchemas = typeof MediaAssetSchema | typeof MediaTrackSchema | typeof PlaybackSessionSchema;
