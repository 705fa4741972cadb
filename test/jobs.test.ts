// The job queue: handlers run, failures retry with backoff and end failed, recurring jobs are deduplicated,
// and two runners never take the same job.
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { testClock } from './helpers/clock.ts';
import { claim, enqueue } from '../repositories/jobs.ts';
import { createRunner } from '../services/jobs/runner.ts';

const app = await buildTestApp(t);
const silent = { info() {}, warn() {}, error() {} };

t.test('a job runs once; a failing one is retried then marked failed', async (t) => {
  const seen: unknown[] = [];
  let failures = 0;
  const clock = testClock();
  const runner = createRunner({
    em: () => app.em(),
    log: silent,
    now: clock.now,
    jobs: {
      'test.ok': { handler: async (p) => void seen.push(p) },
      'test.bad': {
        maxAttempts: 2,
        handler: async () => {
          failures++;
          throw new Error('boom');
        },
      },
    },
  });
  await enqueue(app.em(), 'test.ok', { n: 1 });
  await enqueue(app.em(), 'test.bad', {}, { maxAttempts: 2 });
  await runner.tick();
  t.same(seen, [{ n: 1 }]);
  t.equal(failures, 1);
  const [bad] = await app
    .em()
    .execute(`select status, attempts, last_error, run_at > now() as later from jobs where name = 'test.bad'`);
  t.match(bad, { status: 'queued', attempts: 1, last_error: 'boom', later: true }, 'retried later with backoff');
  await runner.tick();
  t.equal(failures, 1, 'not before the backoff is over');
  clock.advance(10_000); // the first backoff (10 s)
  await runner.tick();
  const [final] = await app.em().execute(`select status from jobs where name = 'test.bad'`);
  t.equal(final.status, 'failed');
  await runner.tick();
  t.same(seen, [{ n: 1 }], 'a finished job never runs again');
});

t.test('dedupe keys and exclusive claims', async (t) => {
  await enqueue(app.em(), 'test.dedupe', {}, { dedupeKey: 'k1' });
  await enqueue(app.em(), 'test.dedupe', {}, { dedupeKey: 'k1' });
  const [{ n }] = await app.em().execute(`select count(*)::int as n from jobs where name = 'test.dedupe'`);
  t.equal(n, 1);
  const [a, b] = await Promise.all([claim(app.em(), ['test.dedupe'], 10), claim(app.em(), ['test.dedupe'], 10)]);
  t.equal(a.length + b.length, 1, 'one claimer wins');
});

t.test('a registry entry without a handler stops start-up', async (t) => {
  t.throws(() => createRunner({ em: () => app.em(), log: silent, jobs: { broken: {} as never } }), /has no handler/);
});

t.test('the app registers its jobs', async (t) => {
  await app.jobs.enqueue('auth.expire-stale', {});
  await t.rejects(app.jobs.enqueue('no.such.job', {}), /unknown job/);
  t.ok((await app.jobs.runner.tick()) >= 1);
});

t.test('a recurring job runs once per period, however many workers tick', async (t) => {
  let runs = 0;
  let clock = Date.UTC(2030, 0, 1, 0, 0, 0);
  const jobs = { 'test.hourly': { everySeconds: 3600, handler: async () => void runs++ } };
  const workers = [1, 2].map(() => createRunner({ em: () => app.em(), log: silent, jobs, now: () => new Date(clock) }));
  for (let i = 0; i < 40; i++) await Promise.all(workers.map((w) => w.tick()));
  t.equal(runs, 1, '80 ticks inside one period run the job once');
  clock += 3_600_000;
  for (let i = 0; i < 40; i++) await Promise.all(workers.map((w) => w.tick()));
  t.equal(runs, 2, 'the next period runs it once more');
  clock += 3 * 3_600_000;
  for (let i = 0; i < 10; i++) await Promise.all(workers.map((w) => w.tick()));
  t.equal(runs, 3, 'missed periods are not replayed one by one');
});
