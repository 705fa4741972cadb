// The fixed rules of analytics ingestion: the event types, device kinds and the bounds a client must keep.
export const EVENT_TYPES = [
  'video_play',
  'video_pause',
  'video_resume',
  'video_seek',
  'video_progress',
  'video_complete',
  'video_error',
  'search',
  'browse',
  'add_to_list',
  'remove_from_list',
  'rate',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const DEVICE_TYPES = ['web', 'mobile', 'tv', 'tablet'] as const;

export const MAX_BATCH = 100;
export const MAX_METADATA_BYTES = 2048;
export const MAX_METADATA_DEPTH = 3;
/** A client clock this far ahead is taken as wrong: the event is stamped with the server time. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** Older events (an offline device's backlog) are refused: the rollups of those days are settled. */
export const MAX_AGE_MS = 7 * 86_400_000;
