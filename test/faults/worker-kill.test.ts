// Workers killed with SIGKILL in the middle of a job, as real processes on one PostgreSQL database: a job
// longer than its lease keeps it while its worker lives; an admin broadcast to a few thousand accounts is
// finished by the other worker with no account notified twice; a media encode is redone cleanly by the other
// worker (the published ladder references only segments that exist, no staging left behind). Workers share
// state only through PostgreSQL and Redis, so this runs on the PostgreSQL + Redis leg only.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { skip } from '../scale/support.ts';
import { http, login, startDeployment, wait } from '../scale/support.ts';
import { testMedia } from '../support/media-source.ts';
import { tusClient, uploadAll } from '../support/tus.ts';

// Each process start builds the whole app; on a loaded machine several of them take minutes, not seconds.
t.setTimeout(600_000);

const ADMIN = { email: 'faults-admin@example.com', password: 'AdminPass123' };
const ACCOUNTS = 3000;

t.test('workers SIGKILLed mid-job', { skip }, async (t) => {
  const deployment = await startDeployment(t, {
    JOBS_LEASE_SECONDS: '2',
    // Small batches: the broadcast takes long enough to be killed in the middle.
    NOTIFICATIONS_BATCH_SIZE: '10',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    MEDIA_ENCODER_PRESET: 'ultrafast',
    MEDIA_LADDER: '240',
  });
  const api = await deployment.api('A');
  const [w1, w2] = await Promise.all([deployment.worker('W1'), deployment.worker('W2')]);
  t.teardown(() => {
    if (!t.passing()) for (const i of [api, w1, w2]) t.comment(`--- ${i.name} ---\n${i.output()}`);
  });
  const client = new pg.Client({ connectionString: deployment.databaseUrl });
  await client.connect();
  t.teardown(() => client.end());
  const counter = async (key: string) => Number((await deployment.redis.get(`test-job:${key}`)) ?? 0);
  const admin = await login(api.url, { id: '', token: '', ...ADMIN });

  t.test('a job longer than its lease is not taken over while its worker lives', async (t) => {
    await client.query("insert into jobs (name, payload, run_at, max_attempts) values ('test.slow', $1, now(), 3)", [
      JSON.stringify({ ms: 6000, key: 'long' }),
    ]);
    let done = 0;
    for (let i = 0; i < 200 && done === 0; i++) {
      await wait(100);
      done = await counter('long:done');
    }
    t.equal(done, 1, 'it completed');
    t.equal(await counter('long:started'), 1, 'started once, though it ran three times its 2 s lease');
    const job = await client.query("select status, attempts from jobs where payload->>'key' = 'long'");
    t.same(job.rows, [{ status: 'done', attempts: 1 }]);
  });

  t.test('a broadcast to thousands: finished by the other worker, nobody notified twice', async (t) => {
    await client.query(
      `insert into users (id, full_name, email_address, hash_password)
       select gen_random_uuid(), 'Fan ' || g, 'fan' || g || '@example.com', 'x' from generate_series(1, $1) g`,
      [ACCOUNTS],
    );
    const { rows } = await client.query<{ n: string }>('select count(*) as n from users');
    const audience = Number(rows[0].n);
    // W2 frozen: the broadcast is W1's, and W1 is the one killed.
    w2.child.kill('SIGSTOP');
    let frozen = true;
    t.teardown(() => {
      if (frozen) w2.child.kill('SIGCONT');
    });
    const queued = await http(api.url, 'POST', '/admin/notifications', {
      token: admin,
      body: { title: 'Maintenance', message: 'Tonight at two', audience: 'all' },
    });
    t.equal(queued.status, 202);
    const id = queued.body.data.broadcast.id as string;
    const progress = async () =>
      (
        await client.query<{ status: string; recipients: number }>(
          'select status, recipients from notification_broadcasts where id = $1',
          [id],
        )
      ).rows[0];
    let before = await progress();
    for (let i = 0; i < 600 && before.recipients < audience / 10; i++) {
      await wait(20);
      before = await progress();
    }
    t.ok(before.recipients > 0, `W1 fanned out to ${before.recipients} of ${audience}`);
    t.equal(await w1.stop('SIGKILL'), null, 'W1 killed in the middle');
    const atKill = await progress();
    t.equal(atKill.status, 'running');
    t.ok(atKill.recipients < audience, `killed at ${atKill.recipients} of ${audience}`);
    w2.child.kill('SIGCONT');
    frozen = false;

    const killedAt = Date.now();
    let after = atKill;
    for (let i = 0; i < 1200 && after.status !== 'done'; i++) {
      await wait(100);
      after = await progress();
    }
    t.equal(after.status, 'done', `W2 finished it ${Date.now() - killedAt} ms after the kill`);
    const per = await client.query<{ accounts: string; rows: string; most: string }>(
      `select count(distinct u.id) as accounts, count(n.id) as rows, coalesce(max(c.n), 0) as most
       from users u
       left join user_notifications n on n.user_id = u.id and n.dedupe_key = $1
       left join (select user_id, count(*) as n from user_notifications where dedupe_key = $1 group by user_id) c
         on c.user_id = u.id`,
      [`broadcast:${id}`],
    );
    const missing = await client.query<{ n: string }>(
      `select count(*) as n from users u where not exists
       (select 1 from user_notifications n where n.user_id = u.id and n.dedupe_key = $1)`,
      [`broadcast:${id}`],
    );
    t.equal(Number(per.rows[0].most), 1, 'no account has the notification twice');
    t.equal(Number(missing.rows[0].n), 0, 'every account has it');
    t.equal(Number(per.rows[0].rows), audience, `${audience} notifications for ${audience} accounts`);
    t.equal(after.recipients, audience, 'the recipients count matches');
    t.comment(`broadcast: ${audience} accounts, W1 killed at ${atKill.recipients}, 0 duplicates, 0 missing`);
  });

  t.test('a media encode: redone by the other worker, no half-published ladder, no staging left', async (t) => {
    // W1 back; W2 frozen so the encode is W1's.
    await w1.restart();
    w2.child.kill('SIGSTOP');
    let frozen = true;
    t.teardown(() => {
      if (frozen) w2.child.kill('SIGCONT');
    });
    const media = await testMedia();
    t.teardown(() => media.cleanup());
    const file = await readFile(await media.video({ width: 426, height: 240, seconds: 40 }));
    const uploaded = await uploadAll(tusClient(api.url, { authorization: `Bearer ${admin}` }), file, {
      content_id: 'm238',
      filename: 'source.mp4',
    });
    t.equal(uploaded.status, 204, uploaded.body);
    const status = async () =>
      (await http(api.url, 'GET', '/admin/content/m238/processing-status', { token: admin })).body.data;
    let seen = await status();
    for (let i = 0; i < 600 && !(seen?.status === 'processing' && seen.progress > 0) && seen?.status !== 'ready'; i++) {
      await wait(100);
      seen = await status();
    }
    t.equal(seen?.status, 'processing', `W1 is encoding (${seen?.progress}%)`);
    t.equal(await w1.stop('SIGKILL'), null, 'W1 killed mid-encode');
    w2.child.kill('SIGCONT');
    frozen = false;
    const killedAt = Date.now();
    // While W2 redoes it, what is published (outside staging and scratch) is never a partial ladder.
    const sampled: string[] = [];
    for (let i = 0; i < 1800 && seen?.status !== 'ready' && seen?.status !== 'failed'; i++) {
      sampled.push(...(await danglingEntries(deployment.env.DATA_DIR)));
      await wait(200);
      seen = await status();
    }
    t.equal(seen?.status, 'ready', `W2 encoded it, ready ${Date.now() - killedAt} ms after the kill`);

    const job = await client.query("select status, attempts from jobs where name = 'media.process'");
    t.same(
      job.rows,
      [{ status: 'done', attempts: 2 }],
      'one job: W1 died in its first attempt, W2 finished the second',
    );
    const dataDir = deployment.env.DATA_DIR;
    const files = await walk(dataDir);
    t.ok(files.filter(published).length > 0, `${files.filter(published).length} playlists published`);
    const dangling = [...new Set([...sampled, ...(await danglingEntries(dataDir))])];
    t.same(dangling, [], 'no published playlist references a missing segment, during the redo or after');
    const leftovers = files.filter((f) => /(^|\/)(staging|\.work)\/|\.tmp-/.test(path.relative(dataDir, f)));
    t.same(leftovers, [], 'no staging or temporary files after completion');
  });
});

const scratch = /(^|\/)(staging|\.work|\.uploads)\/|\.tmp-/;
const published = (f: string) => f.endsWith('.m3u8') && !scratch.test(f);

/** Entries of published playlists whose file does not exist (a playlist removed meanwhile is skipped). */
async function danglingEntries(dataDir: string): Promise<string[]> {
  const files = await walk(dataDir);
  const out: string[] = [];
  for (const playlist of files.filter(published)) {
    const text = await readFile(playlist, 'utf8').catch(() => '');
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      const target = path.join(path.dirname(playlist), line.split('?')[0]);
      if (!files.includes(target)) out.push(`${path.relative(dataDir, playlist)} -> ${line}`);
    }
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  // A directory may be renamed or removed while it is walked.
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}
