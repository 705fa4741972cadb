// The analytics worker jobs: the incremental rollup of new events into the daily tables (a seq watermark,
// advanced in the same transaction as the rollup rows, so a run counts each event exactly once), and the
// daily maintenance that creates partitions ahead and drops the months past retention.
import {
  dropExpired,
  ensurePartitions,
  lockWatermark,
  nextHighSeq,
  rollUp,
  setWatermark,
} from '../../repositories/analytics.ts';
import type { Clock } from '../clock.ts';
import type { Em } from '../db/orm.ts';
import type { Logger } from '../deps.ts';
import { MAX_AGE_MS } from './rules.ts';

export const ROLLUP_JOB = 'analytics.rollup';
export const MAINTAIN_JOB = 'analytics.maintain';
export const DAILY_ROLLUP = 'daily';
/** Events per transaction; a backlog is worked off over several runs. */
const CHUNK = 50_000;

/** Rolls every settled event past the watermark up; returns how many chunks ran. */
export async function runRollup(deps: { em: Em }, settleSeconds: number): Promise<number> {
  let chunks = 0;
  for (;;) {
    const moved = await deps.em.transactional(async (tx) => {
      // The row lock makes concurrent workers take turns instead of counting the same events twice.
      const after = await lockWatermark(tx, DAILY_ROLLUP);
      const hi = await nextHighSeq(tx, after, settleSeconds, CHUNK);
      if (hi === null) return false;
      await rollUp(tx, after, hi);
      await setWatermark(tx, DAILY_ROLLUP, hi);
      return true;
    });
    if (!moved) return chunks;
    chunks++;
  }
}

/** Partitions for this month and the next three; months wholly past retention dropped. */
export async function maintain(deps: { em: Em; clock: Clock; log: Logger }, retentionDays: number) {
  const now = deps.clock.now();
  const made = await ensurePartitions(deps.em, now, 4);
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  // A retry of an event older than MAX_AGE is refused anyway, so its id need not be remembered longer.
  const idsCutoff = new Date(now.getTime() - MAX_AGE_MS - 86_400_000);
  const dropped = await deps.em.transactional((tx) => dropExpired(tx, cutoff, idsCutoff));
  deps.log.info({ made, dropped }, 'analytics partitions maintained');
  return { made, dropped };
}
