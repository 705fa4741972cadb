// What other features call to notify users (see the README's "Notifications and real time").
export { createNotification, listNotifications, markRead } from './store.ts';
export { broadcast, getBroadcast } from './broadcast.ts';
export { notifyNewTitle, notifyNewEpisode, runNewTitle, runFavoriteUpdate, runDigest } from './generators.ts';
export { NOTIFICATION_JOBS } from './jobs.ts';
export type { NewNotification, NotificationItem, NotifyDeps, Publisher } from './types.ts';
