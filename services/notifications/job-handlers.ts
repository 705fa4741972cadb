// The notification jobs for the registry in jobs/index.ts: broadcast fan-out, new-title and favourite
// fan-outs, and the recurring recommendation digest.
import type { Config } from '../config.ts';
import type { JobRegistry } from '../jobs/runner.ts';
import { runBroadcast } from './broadcast.ts';
import { runDigest, runFavoriteUpdate, runNewTitle } from './generators.ts';
import { NOTIFICATION_JOBS, type BroadcastPayload, type FavoriteUpdatePayload, type NewTitlePayload } from './jobs.ts';
import type { NotifyDeps } from './types.ts';

type Settings = Pick<
  Config,
  'NOTIFICATIONS_BATCH_SIZE' | 'NOTIFICATIONS_DIGEST_EVERY_S' | 'NOTIFICATIONS_DIGEST_ACTIVE_DAYS'
>;

export function notificationJobs(options: { config: Settings; deps: () => NotifyDeps }): JobRegistry {
  const { config, deps } = options;
  const batch = config.NOTIFICATIONS_BATCH_SIZE;
  return {
    [NOTIFICATION_JOBS.broadcast]: {
      maxAttempts: 5,
      handler: async (payload: BroadcastPayload, job) => {
        await runBroadcast(deps(), payload.broadcast_id, job, batch);
      },
    },
    [NOTIFICATION_JOBS.newTitle]: {
      handler: async (payload: NewTitlePayload) => {
        await runNewTitle(deps(), payload.title_id, batch);
      },
    },
    [NOTIFICATION_JOBS.favoriteUpdate]: {
      handler: async (payload: FavoriteUpdatePayload) => {
        await runFavoriteUpdate(deps(), payload, batch);
      },
    },
    [NOTIFICATION_JOBS.digest]: {
      // Recurring only when a period is set; it can always be enqueued by hand.
      ...(config.NOTIFICATIONS_DIGEST_EVERY_S > 0 ? { everySeconds: config.NOTIFICATIONS_DIGEST_EVERY_S } : {}),
      handler: async () => {
        await runDigest(deps(), { activeDays: config.NOTIFICATIONS_DIGEST_ACTIVE_DAYS, batchSize: batch });
      },
    },
  };
}
