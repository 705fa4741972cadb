// Two worker processes on one job queue: a recurring job runs once per period, not once per worker, and a
// job whose worker is killed with SIGKILL mid-run is claimed again by the other once its lease is over and
// completes once. The jobs are the test-only ones of services/jobs/test-hooks.ts (JOBS_TEST_HOOKS).
import pg from 'pg';
import t from 'tap';
import { skip, startDeployment, wait } from './support.ts';

// Each process start builds the whole app; on a loaded machine several of them take minutes, not seconds.
t.setTimeout(420_000);

t.test('two workers on one queue', { skip }, async (t) => {
  const deployment = await startDeployment(t, { JOBS_LEASE_SECONDS: '2' });
  await deployment.api('A');
  const [w1, w2] = await Promise.all([deployment.worker('W1'), deployment.worker('W2')]);
  t.teardown(() => {
    if (!t.passing()) for (const w of [w1, w2]) t.comment(`--- ${w.name} ---\n${w.output()}`);
  });
  const client = new pg.Client({ connectionString: deployment.databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  const counter = async (key: string) => Number((await deployment.redis.get(`test-job:${key}`)) ?? 0);

  t.test('a recurring job runs once per period with two workers', async (t) => {
    const from = await counter('tick:runs');
    const started = Date.now();
    await wait(5500);
    const runs = (await counter('tick:runs')) - from;
    const periods = (Date.now() - started) / 1000;
    // Each worker polls every second; without the per-period claim the two would run it about twice a period.
    t.ok(runs >= Math.floor(periods) - 2, `it keeps running: ${runs} runs in ${periods.toFixed(1)} periods`);
    t.ok(runs <= Math.ceil(periods) + 1, `at most one run a period: ${runs} runs in ${periods.toFixed(1)} periods`);
    const rows = await client.query<{ n: string }>(
      "select count(*) as n from jobs where name = 'test.tick' and status = 'done'",
    );
    t.equal(Number(rows.rows[0].n), await counter('tick:runs'), 'one job row per run: each period enqueued once');
  });

  t.test('a job of a worker killed mid-run is taken over and completes once', async (t) => {
    await client.query("insert into jobs (name, payload, run_at, max_attempts) values ('test.slow', $1, now(), 3)", [
      JSON.stringify({ ms: 1500, key: 'k1' }),
    ]);
    let pid = 0;
    for (let i = 0; i < 50 && !pid; i++) {
      await wait(100);
      pid = Number((await deployment.redis.get('test-job:k1:pid')) ?? 0);
    }
    const holder = [w1, w2].find((w) => w.child.pid === pid);
    if (!holder) throw new Error(`no worker took the job (pid ${pid})`);
    const other = holder === w1 ? w2 : w1;
    t.equal(await holder.stop('SIGKILL'), null, 'the worker holding it is killed');
    t.equal(await counter('k1:done'), 0, 'it died before finishing');

    let done = 0;
    for (let i = 0; i < 100 && done === 0; i++) {
      await wait(100);
      done = await counter('k1:done');
    }
    t.equal(done, 1, 'the other worker ran it to the end');
    t.equal(Number(await deployment.redis.get('test-job:k1:pid')), other.child.pid);
    t.equal(await counter('k1:started'), 2, 'started twice: once by each worker');
    await wait(1000);
    t.equal(await counter('k1:done'), 1, 'and completed once');
    const job = await client.query("select status, attempts from jobs where name = 'test.slow'");
    t.same(job.rows, [{ status: 'done', attempts: 2 }]);
  });
});
