// Admin broadcasts (system_update): the request stores the broadcast and enqueues its job; the job fans it
// out in batches, recording a resume cursor, so a broadcast to a million users never runs inside a request.
import type { Static } from '@sinclair/typebox';
import { enqueue } from '../../repositories/jobs.ts';
import type { ClaimedJob } from '../../repositories/jobs.ts';
import {
  accountsAudience,
  advanceBroadcast,
  broadcastById,
  broadcastContent,
  insertBroadcast,
  sameForAll,
  setBroadcastStatus,
} from '../../repositories/notifications.ts';
import type { Broadcast, BroadcastBody } from '../../schemas/notifications.ts';
import { audit } from '../audit.ts';
import type { Em } from '../db/orm.ts';
import type { Logger } from '../deps.ts';
import { notFound } from '../errors.ts';
import { fanOut } from './fan-out.ts';
import { NOTIFICATION_JOBS } from './jobs.ts';
import type { NotifyDeps } from './types.ts';

export type BroadcastInput = Static<typeof BroadcastBody>;
export type Audience = NonNullable<BroadcastInput['audience']>;
export type BroadcastView = Static<typeof Broadcast>;

/** Stores the broadcast and enqueues its fan-out job (one transaction), audited; returns at once. */
export async function broadcast(
  deps: { em: Em; log: Logger },
  actor: { userId: string; ip: string },
  input: BroadcastInput,
): Promise<BroadcastView> {
  const adminId = actor.userId;
  const id = crypto.randomUUID();
  await deps.em.transactional(async (tx) => {
    const em = tx as Em;
    await insertBroadcast(em, {
      id,
      admin_id: adminId,
      title: input.title,
      message: input.message,
      image: input.image ?? null,
      movie_id: input.movie_id ?? null,
      audience: input.audience ?? 'all',
    });
    await enqueue(em, NOTIFICATION_JOBS.broadcast, { broadcast_id: id }, { dedupeKey: `broadcast:${id}` });
  });
  await audit(deps, {
    action: 'notification.broadcast',
    actorId: adminId,
    ip: actor.ip,
    targetType: 'broadcast',
    targetId: id,
    details: { audience: input.audience ?? 'all' },
  });
  return getBroadcast(deps, id);
}

export async function getBroadcast(deps: { em: Em }, id: string): Promise<BroadcastView> {
  const row = await broadcastById(deps.em, id);
  if (!row) throw notFound('Broadcast');
  return { ...row, created_at: row.created_at.toISOString(), finished_at: row.finished_at?.toISOString() ?? null };
}

/** The job body. Resumes from the recorded cursor; the dedupe key keeps a retried batch from doubling up. */
export async function runBroadcast(
  deps: NotifyDeps,
  broadcastId: string,
  job?: Pick<ClaimedJob, 'attempts' | 'max_attempts'>,
  batchSize?: number,
): Promise<number> {
  const row = await broadcastContent(deps.em, broadcastId);
  if (!row || row.status === 'done') return 0;
  await setBroadcastStatus(deps.em, broadcastId, 'running');
  try {
    const sent = await fanOut(deps, {
      audience: accountsAudience(deps.em, row.audience),
      startAfter: row.cursor_user_id,
      batchSize,
      insert: sameForAll({
        type: 'system_update',
        title: row.title,
        message: row.message,
        image: row.image,
        movie_id: row.movie_id,
        dedupe_key: `broadcast:${broadcastId}`,
      }),
      onBatch: (em, last, inserted) => advanceBroadcast(em, broadcastId, last, inserted),
    });
    await setBroadcastStatus(deps.em, broadcastId, 'done');
    return sent;
  } catch (err) {
    // The queue retries with backoff; only the last attempt marks the broadcast failed.
    if (job && job.attempts >= job.max_attempts) {
      await setBroadcastStatus(deps.em, broadcastId, 'failed');
    }
    throw err;
  }
}
