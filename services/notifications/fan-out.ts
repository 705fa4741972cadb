// Batched fan-out: walks an audience of users in id order, BATCH users at a time; each batch is one
// INSERT ... SELECT in its own short transaction (holding those users' locks, so the pushed unread counts
// stay exact), then one pipelined publish. Memory and lock time stay bounded whatever the audience size.
import type { Em } from '../db/orm.ts';
import { notificationMessage, push, toItem, type NotificationRow } from './store.ts';
import type { NotifyDeps } from './types.ts';

export interface Sql {
  sql: string;
  params: unknown[];
}

export const FIRST_UUID = '00000000-0000-0000-0000-000000000000';
export const RETURNING = 'returning id, user_id, title, message, type, read, created_at, movie_id, image';

export interface FanOutSpec {
  /** A select whose `id` column is the audience's user ids (duplicates allowed). */
  audience: Sql;
  /**
   * The INSERT ... SELECT for one batch. `batch` selects the batch's user ids (column `id`); embed its SQL
   * and its params in textual order; end with RETURNING and `on conflict do nothing` (dedupe keys).
   */
  insert: (batch: Sql) => Sql;
  batchSize?: number;
  /** Resume after this user id (a retried job). */
  startAfter?: string | null;
  /** Runs inside each batch's transaction, after the insert (bookkeeping such as a resume cursor). */
  onBatch?: (em: Em, lastUserId: string, inserted: number) => Promise<void>;
}

export async function fanOut(deps: NotifyDeps, spec: FanOutSpec): Promise<number> {
  const size = spec.batchSize ?? 500;
  const { audience } = spec;
  let cursor = spec.startAfter ?? FIRST_UUID;
  let total = 0;
  for (;;) {
    const ids = await deps.em.execute<{ id: string }[]>(
      `select distinct a.id from (${audience.sql}) a where a.id > ? order by a.id limit ?`,
      [...audience.params, cursor, size],
    );
    if (ids.length === 0) break;
    const last = ids[ids.length - 1].id;
    const batch: Sql = {
      sql: `select distinct a.id from (${audience.sql}) a where a.id > ? and a.id <= ?`,
      params: [...audience.params, cursor, last],
    };
    const messages = await deps.em.transactional(async (tx) => {
      const em = tx as Em;
      // Sorted, so two batch writers never wait on each other in a cycle.
      await em.execute(
        `select count(pg_advisory_xact_lock(hashtextextended(x.id::text, 7))) from (${batch.sql} order by 1) x`,
        batch.params,
      );
      const insert = spec.insert(batch);
      const rows = await em.execute<(NotificationRow & { user_id: string })[]>(insert.sql, insert.params);
      await spec.onBatch?.(em, last, rows.length);
      if (rows.length === 0) return [];
      const counts = await em.execute<{ user_id: string; n: number; seq: number }[]>(
        `select b.id as user_id, (select count(*) from user_notifications n where n.user_id = b.id and not n.read)::int as n,
           floor(extract(epoch from clock_timestamp()) * 1000000)::float8 as seq
         from (${batch.sql}) b`,
        batch.params,
      );
      const byUser = new Map(counts.map((c) => [c.user_id, c]));
      return rows.map((row) => {
        const c = byUser.get(row.user_id);
        return {
          userId: row.user_id,
          message: notificationMessage(toItem(row), { unread_count: Number(c?.n ?? 0), seq: Number(c?.seq ?? 0) }),
        };
      });
    });
    total += messages.length;
    await push(deps, messages);
    cursor = last;
    if (ids.length < size) break;
  }
  return total;
}
