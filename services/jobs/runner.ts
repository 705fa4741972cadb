// Runs the registered jobs: polls for due ones, runs each with its own concurrency, schedules the recurring
// ones. Start-up fails when a recurring or known job has no handler.
import type { Em } from '../db/orm.ts';
import type { Logger } from '../deps.ts';
import {
  claim,
  claimPeriod,
  complete,
  enqueue,
  extendLease,
  fail,
  prune,
  type ClaimedJob,
} from '../../repositories/jobs.ts';
import { jobRun } from '../metrics/registry.ts';
import { inJobSpan, takeTraceContext } from '../tracing/context.ts';

// biome-ignore lint/suspicious/noExplicitAny: each job's handler narrows its own payload type.
export interface JobDefinition<P = any> {
  handler: (payload: P, job: ClaimedJob) => Promise<void>;
  /** Jobs of this kind running at once in one worker. */
  concurrency?: number;
  maxAttempts?: number;
  /** Recurring: enqueued once per period (deduplicated across workers). */
  everySeconds?: number;
}

export type JobRegistry = Record<string, JobDefinition>;

export interface Runner {
  /** Runs one polling round; resolves when the claimed jobs are done (tests call it directly). */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export interface RunnerOptions {
  em: () => Em;
  jobs: JobRegistry;
  log: Logger;
  pollMs?: number;
  /** How long a claim holds before another worker may take the job (its worker presumed dead). */
  leaseSeconds?: number;
  /** The clock due times, leases, backoff and periods are counted by (the app's clock). */
  now?: () => Date;
}

export function createRunner(options: RunnerOptions): Runner {
  const { jobs, log } = options;
  for (const [name, def] of Object.entries(jobs)) {
    if (typeof def.handler !== 'function') throw new Error(`job "${name}" has no handler`);
  }
  const running = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<number> = Promise.resolve(0);
  let lastPrune = 0;

  const clock = options.now ?? (() => new Date());
  const leaseSeconds = options.leaseSeconds ?? 120;

  // A recurring job is enqueued once per period: the worker that wins the period's compare-and-set
  // enqueues it, in one transaction, so a crash between the two never loses or doubles a period.
  async function schedule(em: Em) {
    const at = clock();
    const now = at.getTime();
    for (const [name, def] of Object.entries(jobs)) {
      if (!def.everySeconds) continue;
      const period = def.everySeconds * 1000;
      const slot = Math.floor(now / period);
      await em.transactional(async (tx) => {
        if (await claimPeriod(tx, name, at, new Date((slot + 1) * period))) {
          await enqueue(tx, name, {}, { dedupeKey: `${name}:${slot}`, maxAttempts: 1 });
        }
      });
    }
    if (now - lastPrune > 3_600_000) {
      lastPrune = now;
      await prune(em, 7 * 86_400, at);
    }
  }

  async function runOne(job: ClaimedJob) {
    const def = jobs[job.name];
    running.set(job.name, (running.get(job.name) ?? 0) + 1);
    const started = performance.now();
    const { payload, parent } = takeTraceContext(job.payload);
    let ok = false;
    // The lease is what tells a crashed worker's job from a long one: renewed while the handler runs, so a
    // job longer than the lease (a large broadcast, an encode) is not taken over by another worker midway.
    const renew = setInterval(
      () => {
        extendLease(options.em(), job.id, leaseSeconds, clock()).catch((err) =>
          log.warn({ err, job: { id: job.id, name: job.name } }, 'job lease renewal failed'),
        );
      },
      (leaseSeconds * 1000) / 3,
    );
    renew.unref();
    try {
      await inJobSpan(job.name, parent, { 'job.id': job.id, 'job.attempt': job.attempts }, async () => {
        await def.handler(payload, { ...job, payload });
        await complete(options.em(), job.id, clock());
      });
      ok = true;
    } catch (err) {
      log.error({ err, job: { id: job.id, name: job.name, attempts: job.attempts } }, 'job failed');
      await fail(options.em(), job, err instanceof Error ? err.message : String(err), clock());
    } finally {
      clearInterval(renew);
      running.set(job.name, (running.get(job.name) ?? 1) - 1);
      jobRun(job.name, ok, (performance.now() - started) / 1000);
    }
  }

  async function tick(): Promise<number> {
    const em = options.em();
    await schedule(em);
    const free = Object.entries(jobs).filter(([name, def]) => (running.get(name) ?? 0) < (def.concurrency ?? 1));
    if (free.length === 0) return 0;
    const claimed = await claim(
      em,
      free.map(([name]) => name),
      10,
      leaseSeconds,
      clock(),
    );
    await Promise.all(claimed.map(runOne));
    return claimed.length;
  }

  const loop = async () => {
    if (stopped) return;
    try {
      current = tick();
      const n = await current;
      timer = setTimeout(loop, n > 0 ? 0 : (options.pollMs ?? 1000));
    } catch (err) {
      log.error({ err }, 'job polling failed');
      timer = setTimeout(loop, 5000);
    }
    timer?.unref?.();
  };

  return {
    tick,
    start() {
      stopped = false;
      timer = setTimeout(loop, 0);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current.catch(() => 0);
    },
  };
}
