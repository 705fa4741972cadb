// WEB_CONCURRENCY: `npm start` as a node:cluster primary with N API processes on one port; SIGHUP replaces
// them one at a time while requests keep being answered; SIGTERM drains them all and the primary exits 0.
// More than one process needs PostgreSQL and Redis, and the configuration says so.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { get } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { loadConfig } from '../../services/config.ts';
import { freePort } from '../faults/support.ts';
import { skip, startDeployment, wait } from './support.ts';

// Each process start builds the whole app; on a loaded machine several of them take minutes, not seconds.
t.setTimeout(420_000);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const childrenOf = (pid: number): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .sort();
  } catch {
    return [];
  }
};

t.test('more than one process needs DATABASE_URL and REDIS_URL', async (t) => {
  t.throws(() => loadConfig({ WEB_CONCURRENCY: '2' }), /WEB_CONCURRENCY: more than one process needs/);
  t.throws(() => loadConfig({ WEB_CONCURRENCY: '0', DATABASE_URL: 'postgres://x/y' }), /WEB_CONCURRENCY/);
  const ok = loadConfig({ WEB_CONCURRENCY: '4', DATABASE_URL: 'postgres://x/y', REDIS_URL: 'redis://x' });
  t.equal(ok.WEB_CONCURRENCY, 4);
  t.equal(loadConfig({}).WEB_CONCURRENCY, 1, 'one process by default');
});

t.test(
  'npm start with WEB_CONCURRENCY=2: two processes, rolling SIGHUP restart, clean SIGTERM',
  { skip },
  async (t) => {
    const deployment = await startDeployment(t);
    // The first instance migrates the fresh database; the cluster starts on the migrated schema.
    const migrator = await deployment.api('migrator');
    await migrator.stop();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let log = '';
    const primary: ChildProcess = spawn(process.execPath, [path.join(root, 'server.ts')], {
      cwd: root,
      env: { ...deployment.env, WEB_CONCURRENCY: '2', PORT: String(port), DB_AUTO_MIGRATE: 'false' },
      stdio: 'pipe',
    });
    primary.stderr?.on('data', (d) => {
      log += d;
    });
    t.teardown(() => {
      if (primary.exitCode === null) primary.kill('SIGKILL');
      if (!t.passing()) t.comment(log);
    });
    const pid = primary.pid as number;
    for (let i = 0; i < 600 && childrenOf(pid).length < 2; i++) await wait(100);
    for (let i = 0; i < 600; i++) {
      if (
        await fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await wait(100);
    }
    const before = childrenOf(pid);
    t.equal(before.length, 2, 'two API processes');

    // Requests all through the restart, each on a new connection (the primary hands every new connection to a
    // listening process): every one answered, 200 or a draining 503, never refused or reset.
    let running = true;
    const statuses = new Map<string, number>();
    const once = () =>
      new Promise<string>((resolve) => {
        const req = get(`${base}/api/v1/system/health`, { agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.statusCode)));
        });
        req.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? err.message}`));
      });
    const load = (async () => {
      while (running) {
        const key = await once();
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        await wait(20);
      }
    })();
    primary.kill('SIGHUP');
    for (let i = 0; i < 1200 && !log.includes('rolling restart done'); i++) await wait(100);
    running = false;
    await load;
    t.match(log, /rolling restart done/);
    const after = childrenOf(pid);
    t.equal(after.length, 2, 'still two processes');
    t.same(
      after.filter((p) => before.includes(p)),
      [],
      'both were replaced',
    );
    const answered = [...statuses].filter(([k]) => k === '200' || k === '503');
    t.same(
      [...statuses].filter(([k]) => k !== '200' && k !== '503'),
      [],
      'no failed request',
    );
    t.ok((statuses.get('200') ?? 0) > 10, `served through the restart: ${JSON.stringify(answered)}`);

    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    primary.kill('SIGTERM');
    t.equal(await exited, 0, 'the primary exits 0 once its processes drained');
    t.same(childrenOf(pid), []);
  },
);
