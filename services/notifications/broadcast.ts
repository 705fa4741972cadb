// Admin broadcasts (system_update): the request stores the broadcast and enqueues its job; the job fans it
// out in batches, recording a resume cursor, so a broadcast to a million users never runs inside a request.
import { audit } from '../audit.ts';
import type { Em } from '../db/orm.ts';
import type { Logger } from '../deps.ts';
import { notFound } from '../errors.ts';
import { enqueue } from '../../repositories/jobs.ts';
import type { ClaimedJob } from '../../repositories/jobs.ts';
import { fanOut, RETURNING } from './fan-out.ts';
import { NOTIFICATION_JOBS } from './jobs.ts';
import type { NotifyDeps } from './types.ts';

export type Audience = 'all' | 'users' | 'admins';

export interface BroadcastInput {
  title: string;
  message: string;
  audience?: Audience;
  image?: string | null;
  movie_id?: string | null;
}

export interface BroadcastView {
  id: string;
  title: string;
  message: string;
  audience: Audience;
  status: 'queued' | 'running' | 'done' | 'failed';
  recipients: number;
  created_at: string;
  finished_at: string | null;
}

const AUDIENCE_SQL: Record<Audience, string> = {
  all: `select id from users`,
  users: `select id from users where role = 'user'`,
  admins: `select id from users where role = 'admin'`,
};

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
    await em.execute(
      `insert into notification_broadcasts (id, admin_id, title, message, image, movie_id, audience) values (?, ?, ?, ?, ?, ?, ?)`,
      [id, adminId, input.title, input.message, input.image ?? null, input.movie_id ?? null, input.audience ?? 'all'],
    );
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
  const rows = await deps.em.execute<
    (Omit<BroadcastView, 'created_at' | 'finished_at'> & { created_at: string; finished_at: string | null })[]
  >(
    `select id, title, message, audience, status, recipients, created_at, finished_at from notification_broadcasts where id = ?`,
    [id],
  );
  const row = rows[0];
  if (!row) throw notFound('Broadcast');
  return {
    ...row,
    recipients: Number(row.recipients),
    created_at: new Date(row.created_at).toISOString(),
    finished_at: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  };
}

/** The job body. Resumes from the recorded cursor; the dedupe key keeps a retried batch from doubling up. */
export async function runBroadcast(
  deps: NotifyDeps,
  broadcastId: string,
  job?: Pick<ClaimedJob, 'attempts' | 'max_attempts'>,
  batchSize?: number,
): Promise<number> {
  const rows = await deps.em.execute<
    {
      title: string;
      message: string;
      image: string | null;
      movie_id: string | null;
      audience: Audience;
      status: string;
      cursor_user_id: string | null;
    }[]
  >(
    `select title, message, image, movie_id, audience, status, cursor_user_id from notification_broadcasts where id = ?`,
    [broadcastId],
  );
  const row = rows[0];
  if (!row || row.status === 'done') return 0;
  await deps.em.execute(`update notification_broadcasts set status = 'running' where id = ?`, [broadcastId]);
  try {
    const sent = await fanOut(deps, {
      audience: { sql: AUDIENCE_SQL[row.audience], params: [] },
      startAfter: row.cursor_user_id,
      batchSize,
      insert: (batch) => ({
        sql: `insert into user_notifications (id, user_id, type, title, message, image, movie_id, dedupe_key)
              select gen_random_uuid(), b.id, 'system_update', ?, ?, ?, ?, ? from (${batch.sql}) b on conflict do nothing ${RETURNING}`,
        params: [row.title, row.message, row.image, row.movie_id, `broadcast:${broadcastId}`, ...batch.params],
      }),
      onBatch: async (em, last, inserted) => {
        await em.execute(
          `update notification_broadcasts set cursor_user_id = ?, recipients = recipients + ? where id = ?`,
          [last, inserted, broadcastId],
        );
      },
    });
    await deps.em.execute(`update notification_broadcasts set status = 'done', finished_at = now() where id = ?`, [
      broadcastId,
    ]);
    return sent;
  } catch (err) {
    // The queue retries with backoff; only the last attempt marks the broadcast failed.
    if (job && job.attempts >= job.max_attempts) {
      await deps.em.execute(`update notification_broadcasts set status = 'failed', finished_at = now() where id = ?`, [
        broadcastId,
      ]);
    }
    throw err;
  }
}
