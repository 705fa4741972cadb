// The typed map of background jobs: name → handler, concurrency, attempts, schedule. Features add theirs here.
import type { FastifyInstance } from 'fastify';
import type { JobRegistry } from '../services/jobs/runner.ts';
import { expireStaleRecords } from '../services/auth/cleanup.ts';
import { notificationJobs } from '../services/notifications/job-handlers.ts';
import { REBUILD_JOB, rebuildNeighbours } from '../services/recommendations/rebuild.ts';
import {
  RESET_MAIL_ATTEMPTS,
  RESET_MAIL_JOB,
  deliverQueuedResetMail,
  type ResetMailPayload,
} from '../services/auth/reset-mail.ts';
import { PROCESS_JOB, processAsset } from '../services/media/process.ts';
import { EXPIRE_UPLOADS_JOB, expireUploads } from '../services/media/uploads.ts';
import { MAINTAIN_JOB, ROLLUP_JOB, maintain, runRollup } from '../services/analytics/rollup.ts';
import { testJobs } from '../services/jobs/test-hooks.ts';

export function jobRegistry(app: FastifyInstance): JobRegistry {
  const testOnly = app.config.NODE_ENV === 'test' && app.config.JOBS_TEST_HOOKS === 'true';
  return {
    ...(testOnly ? testJobs(app.cache) : {}),
    // Item-to-item neighbours and popularity counts from every profile's viewing; serving processes pick
    // the new version up within a minute.
    [REBUILD_JOB]: {
      everySeconds: 3600,
      handler: async () => {
        await rebuildNeighbours({ em: app.em(), cache: app.cache, log: app.log });
      },
    },
    'auth.expire-stale': {
      everySeconds: 3600,
      handler: async () => {
        await expireStaleRecords(app.em(), app.clock.now());
      },
    },
    // Notification fan-outs push through the real-time hub (read when a job runs, not at registration).
    ...notificationJobs({
      config: app.config,
      deps: () => ({ em: app.em(), realtime: app.hasDecorator('realtime') ? app.realtime : null, log: app.log }),
    }),
    // A password-reset mail the mailer refused: sent again with a fresh code until delivered (payload: reset id).
    [RESET_MAIL_JOB]: {
      maxAttempts: RESET_MAIL_ATTEMPTS,
      handler: async (payload: ResetMailPayload) => {
        await deliverQueuedResetMail({ em: app.em(), mailer: app.mailer, clock: app.clock, log: app.log }, payload);
      },
    },
    // Probe, encode the HLS ladder, thumbnails, publish; one encode at a time per worker (CPU bound).
    [PROCESS_JOB]: {
      concurrency: 1,
      maxAttempts: 3,
      handler: async (payload: { asset_id: string }, job) => {
        await processAsset({ em: () => app.em(), media: app.media, clock: app.clock }, payload.asset_id, job.id);
      },
    },
    // Unfinished tus uploads past MEDIA_UPLOAD_EXPIRY_HOURS: bytes removed, their video marked failed.
    [EXPIRE_UPLOADS_JOB]: {
      everySeconds: 900,
      handler: async () => {
        await expireUploads({ em: app.em(), media: app.media });
      },
    },
    // New analytics events into the daily rollups the viewing stats read (incremental, by watermark).
    [ROLLUP_JOB]: {
      everySeconds: 60,
      handler: async () => {
        await runRollup({ em: app.em() }, app.config.ANALYTICS_ROLLUP_SETTLE_SECONDS);
      },
    },
    // Event partitions created months ahead; months past ANALYTICS_RETENTION_DAYS dropped whole.
    [MAINTAIN_JOB]: {
      everySeconds: 86_400,
      handler: async () => {
        await maintain({ em: app.em(), clock: app.clock, log: app.log }, app.config.ANALYTICS_RETENTION_DAYS);
      },
    },
  };
}
