// Batched fan-out: walks an audience of users in id order, BATCH users at a time; each batch is one
// INSERT ... SELECT in its own short transaction (holding those users' locks, so the pushed unread counts
// stay exact), then one pipelined publish. Memory and lock time stay bounded whatever the audience size.
import {
  type Audience,
  audienceIds,
  audienceSlice,
  batchUnreadCounts,
  FIRST_UUID,
  type FanOutInsert,
  insertFannedOut,
  lockBatch,
} from '../../repositories/notifications.ts';
import type { Em } from '../db/orm.ts';
import { notificationMessage, push, toItem } from './store.ts';
import type { NotifyDeps } from './types.ts';

export { FIRST_UUID };

export interface FanOutSpec {
  /** The audience's user ids (duplicates allowed), from repositories/notifications.ts. */
  audience: Audience;
  /** The INSERT ... SELECT for one batch (sameForAll, digestForAll); conflicts on dedupe keys do nothing. */
  insert: FanOutInsert;
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
    const ids = await audienceIds(deps.em, audience, cursor, size);
    if (ids.length === 0) break;
    const last = ids[ids.length - 1]!;
    const batch = audienceSlice(audience, cursor, last);
    const messages = await deps.em.transactional(async (tx) => {
      const em = tx as Em;
      await lockBatch(em, batch);
      const rows = await insertFannedOut(em, spec.insert(batch));
      await spec.onBatch?.(em, last, rows.length);
      if (rows.length === 0) return [];
      const counts = await batchUnreadCounts(em, batch);
      return rows.map((row) => {
        const state = counts.get(row.user_id) ?? { unread_count: 0, seq: 0 };
        return { userId: row.user_id, message: notificationMessage(toItem(row), state) };
      });
    });
    total += messages.length;
    await push(deps, messages);
    cursor = last;
    if (ids.length < size) break;
  }
  return total;
}
