// What the media services run with (built once by plugins/media.ts): the store, ffmpeg, local scratch space,
// the ladder and encoder settings, and the secret that signs playback grants.
import type { Logger } from '../deps.ts';
import type { Tools } from './ffmpeg.ts';
import type { MediaStore } from './store.ts';

export interface MediaContext {
  store: MediaStore;
  tools: Tools;
  /** Local scratch space for ffmpeg (sources are copied here; outputs are staged here before upload). */
  workDir: string;
  /** Where in-flight tus uploads are kept (a filesystem: uploads are appended to in place; shared by instances). */
  uploadsDir: string;
  /** An unfinished upload this old (ms since its creation) is gone (MEDIA_UPLOAD_EXPIRY_HOURS). */
  uploadExpiryMs: number;
  ladder: number[];
  preset: string;
  maxUploadBytes: number;
  signingSecret: string;
  /** Where the /media routes are reached by players: the API itself or a CDN in front of it. */
  baseUrl: string;
  grantTtlSeconds: number;
  log: Logger;
  /** Pushes a serialized message to one user's sockets (the real-time hub), when there is one. */
  publish: ((userId: string, message: string) => Promise<void>) | null;
}

/** Store keys of a title's or an episode's media. */
export const target = (titleId: string, episodeId: string | null) => `${titleId}/${episodeId ?? '_'}`;
export const assetPrefix = (titleId: string, episodeId: string | null, assetId: string) =>
  `media/${target(titleId, episodeId)}/${assetId}`;
export const sourceKey = (titleId: string, episodeId: string | null, assetId: string) =>
  `sources/${target(titleId, episodeId)}/${assetId}/source`;
export const stagingPrefix = (assetId: string) => `staging/${assetId}`;
