// Running the project: .env is read at start-up, PUBLIC_BASE_URL follows the listening port, logs are
// readable on a terminal outside production, and a Node that cannot run TypeScript gets a one-line hint.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { loadConfig, prettyLogs } from '../services/config.ts';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

t.test('PUBLIC_BASE_URL defaults to the listening host and port', async (t) => {
  t.equal(loadConfig({ PORT: '3999' }).PUBLIC_BASE_URL, 'http://localhost:3999', '0.0.0.0 is reached at localhost');
  t.equal(loadConfig({ HOST: '127.0.0.1', PORT: '4000' }).PUBLIC_BASE_URL, 'http://127.0.0.1:4000');
  t.equal(loadConfig({ HOST: '::1', PORT: '4000' }).PUBLIC_BASE_URL, 'http://[::1]:4000');
  t.equal(
    loadConfig({ PUBLIC_BASE_URL: 'https://api.example.com', PORT: '3999' }).PUBLIC_BASE_URL,
    'https://api.example.com',
  );
});

t.test('readable logs on a terminal outside production, JSON otherwise', async (t) => {
  const config = (env: Record<string, string>) => loadConfig(env);
  t.equal(prettyLogs(config({}), true), true);
  t.equal(prettyLogs(config({}), false), false, 'piped output stays JSON');
  t.equal(
    prettyLogs(
      config({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), MEDIA_SIGNING_SECRET: 'y'.repeat(32) }),
      true,
    ),
    false,
  );
  t.equal(prettyLogs(config({ LOG_FORMAT: 'json' }), true), false);
  t.equal(prettyLogs(config({ LOG_FORMAT: 'pretty' }), false), true);
});

t.test('.env in the working directory is read; the environment wins over it', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cinemate-env-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, '.env'), 'PORT=4321\nAPP_VERSION=9.9.9\n');
  const script = `import { loadConfig } from ${JSON.stringify(path.join(root, 'services/config.ts'))};
const c = loadConfig(); console.log(JSON.stringify({ port: c.PORT, version: c.APP_VERSION, base: c.PUBLIC_BASE_URL }));`;
  const env = { PATH: process.env.PATH, APP_VERSION: '2.0.0' };
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env, encoding: 'utf8' });
  t.equal(run.status, 0, run.stderr);
  t.same(JSON.parse(run.stdout), { port: 4321, version: '2.0.0', base: 'http://localhost:4321' });
});

t.test('a Node without TypeScript support gets one line pointing at npm start', async (t) => {
  const run = spawnSync(process.execPath, ['--no-experimental-strip-types', path.join(root, 'server.mjs')], {
    encoding: 'utf8',
  });
  t.equal(run.status, 1);
  t.equal(run.stderr.trim().split('\n').length, 1);
  t.match(run.stderr, /npm start/);
});
