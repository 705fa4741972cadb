// The job queue's SQL: enqueue (optionally deduplicated), claim due jobs with SKIP LOCKED so any number of
// workers run side by side, finish them with retries and backoff, and claim recurring periods once.
import { sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { db } from './db.ts';
import { withTraceContext } from '../services/tracing/context.ts';

export interface EnqueueOptions {
  runAt?: Date;
  /** Jobs with the same key are enqueued once (until the first is finished). */
  dedupeKey?: string;
  maxAttempts?: number;
}

export interface ClaimedJob {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

export async function enqueue(em: Em, name: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
  await db(em)
    .insertInto('jobs')
    .values({
      name,
      // The caller's trace context rides along, so the job run continues the caller's trace.
      payload: JSON.stringify(withTraceContext(payload ?? {})),
      run_at: options.runAt ?? new Date(),
      dedupe_key: options.dedupeKey ?? null,
      max_attempts: options.maxAttempts ?? 5,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

const after = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);

/** Claims up to limit jobs due at `now`, leasing them for leaseSeconds (a crashed worker's jobs come back). */
export async function claim(
  em: Em,
  names: string[],
  limit: number,
  leaseSeconds = 120,
  now = new Date(),
): Promise<ClaimedJob[]> {
  if (names.length === 0) return [];
  const k = db(em);
  const due = k
    .selectFrom('jobs')
    .select('id')
    .where('name', 'in', names)
    .where((w) =>
      w.or([
        w.and([w('status', '=', 'queued'), w('run_at', '<=', now)]),
        w.and([w('status', '=', 'running'), w('locked_until', '<', now)]),
      ]),
    )
    .orderBy('run_at')
    .limit(limit)
    .forUpdate()
    .skipLocked();
  return k
    .updateTable('jobs')
    .set({
      status: 'running',
      attempts: sql`attempts + 1`,
      locked_until: after(now, leaseSeconds),
    })
    .where('id', 'in', due)
    .returning(['id', 'name', 'payload', 'attempts', 'max_attempts'])
    .execute();
}

/** Holds a running job's claim for another leaseSeconds (its worker is alive); never shortens a longer one. */
export async function extendLease(em: Em, id: string, leaseSeconds: number, now = new Date()): Promise<void> {
  await db(em)
    .updateTable('jobs')
    .set({ locked_until: sql`greatest(locked_until, ${after(now, leaseSeconds)})` })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

export async function complete(em: Em, id: string, now = new Date()): Promise<void> {
  await db(em)
    .updateTable('jobs')
    .set({ status: 'done', finished_at: now, locked_until: null, dedupe_key: null })
    .where('id', '=', id)
    .execute();
}

export async function fail(em: Em, job: ClaimedJob, error: string, now = new Date()): Promise<void> {
  const final = job.attempts >= job.max_attempts;
  const backoff = Math.min(3600, 2 ** job.attempts * 5);
  await db(em)
    .updateTable('jobs')
    .set({
      status: final ? 'failed' : 'queued',
      last_error: error.slice(0, 2000),
      locked_until: null,
      run_at: after(now, backoff),
      finished_at: final ? now : null,
      ...(final ? { dedupe_key: null } : {}),
    })
    .where('id', '=', job.id)
    .execute();
}

/** Removes jobs finished more than olderThanSeconds before `now`. */
export async function prune(em: Em, olderThanSeconds: number, now = new Date()): Promise<void> {
  await db(em)
    .deleteFrom('jobs')
    .where('status', 'in', ['done', 'failed'])
    .where('finished_at', '<', after(now, -olderThanSeconds))
    .execute();
}

/**
 * Claims the current period of a recurring job: true for exactly one caller per period, however many
 * workers ask. The schedule row moves to the next period's start in the same statement that checks it.
 */
export async function claimPeriod(em: Em, name: string, now: Date, next: Date): Promise<boolean> {
  const k = db(em);
  await k
    .insertInto('job_schedules')
    .values({ name, next_run_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const won = await k
    .updateTable('job_schedules')
    .set({ next_run_at: next })
    .where('name', '=', name)
    .where('next_run_at', '<=', now)
    .returning('name')
    .execute();
  return won.length === 1;
}

/** Jobs due at `now` and waiting, by job name (the queue depth a scrape reports). */
export async function queueDepth(em: Em, now = new Date()): Promise<Array<{ name: string; depth: number }>> {
  const rows = await db(em)
    .selectFrom('jobs')
    .select(['name', (eb) => eb.fn.countAll<string>().as('depth')])
    .where('status', '=', 'queued')
    .where('run_at', '<=', now)
    .groupBy('name')
    .execute();
  return rows.map((r) => ({ name: r.name, depth: Number(r.depth) }));
}
