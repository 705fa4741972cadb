// A durable job queue in the database: enqueue (optionally deduplicated), claim due jobs with SKIP LOCKED so
// any number of workers can run side by side, and finish them with retries and exponential backoff.
import type { Em } from '../db/orm.ts';

export interface EnqueueOptions {
  runAt?: Date;
  /** Jobs with the same key are enqueued once (until the first is finished and cleaned up). */
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
  await em.execute(
    `insert into jobs (name, payload, run_at, dedupe_key, max_attempts) values (?, ?, ?, ?, ?) on conflict do nothing`,
    [name, JSON.stringify(payload ?? {}), options.runAt ?? new Date(), options.dedupeKey ?? null, options.maxAttempts ?? 5],
  );
}

/** Claims up to limit due jobs, leasing them for leaseSeconds (a crashed worker's jobs come back). */
export async function claim(em: Em, names: string[], limit: number, leaseSeconds = 120): Promise<ClaimedJob[]> {
  if (names.length === 0) return [];
  return em.execute<ClaimedJob[]>(
    `update jobs set status = 'running', attempts = attempts + 1, locked_until = now() + make_interval(secs => ?)
     where id in (
       select id from jobs
       where name in (${names.map(() => '?').join(',')})
         and ((status = 'queued' and run_at <= now()) or (status = 'running' and locked_until < now()))
       order by run_at limit ? for update skip locked)
     returning id, name, payload, attempts, max_attempts`,
    [leaseSeconds, ...names, limit],
  );
}

export async function complete(em: Em, id: string): Promise<void> {
  await em.execute(`update jobs set status = 'done', finished_at = now(), locked_until = null, dedupe_key = null where id = ?`, [id]);
}

export async function fail(em: Em, job: ClaimedJob, error: string): Promise<void> {
  const final = job.attempts >= job.max_attempts;
  const backoff = Math.min(3600, 2 ** job.attempts * 5);
  await em.execute(
    `update jobs set status = ?, last_error = ?, locked_until = null, run_at = now() + make_interval(secs => ?),
       finished_at = case when ? then now() else null end, dedupe_key = case when ? then null else dedupe_key end
     where id = ?`,
    [final ? 'failed' : 'queued', error.slice(0, 2000), backoff, final, final, job.id],
  );
}

/** Removes finished jobs older than the given age. */
export async function prune(em: Em, olderThanSeconds: number): Promise<void> {
  await em.execute(`delete from jobs where status in ('done', 'failed') and finished_at < now() - make_interval(secs => ?)`, [olderThanSeconds]);
}
