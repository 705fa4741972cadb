// Names and payloads of the notification jobs (registered in jobs/index.ts).
export const NOTIFICATION_JOBS = {
  broadcast: 'notifications.broadcast',
  newTitle: 'notifications.new-title',
  favoriteUpdate: 'notifications.favorite-update',
  digest: 'notifications.digest',
} as const;

export interface BroadcastPayload {
  broadcast_id: string;
}
export interface NewTitlePayload {
  title_id: string;
}
export interface FavoriteUpdatePayload {
  title_id: string;
  season_number: number;
  episode_number?: number | null;
}
