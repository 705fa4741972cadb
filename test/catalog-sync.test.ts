// npm run catalog:sync as an operator runs it: against a local TMDb it imports the listed titles with line
// progress (stdout is not a terminal here); with TMDb unreachable it stops with one line and exit code 1.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { freePort } from './faults/support.ts';
import { freshDatabase, type TestContext } from './helpers/app.ts';
import { startTmdbServer } from './support/tmdb-server.ts';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const token = 'tmdb-sync-test-token';

async function sync(t: TestContext, tmdbUrl: string) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cinemate-sync-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    DATA_DIR: dataDir,
    TMDB_ACCESS_TOKEN: token,
    TMDB_BASE_URL: tmdbUrl,
    TMDB_TIMEOUT_MS: '500',
  };
  if (process.env.DATABASE_URL) {
    const db = await freshDatabase(process.env.DATABASE_URL);
    t.teardown(db.drop);
    env.DATABASE_URL = db.url;
  }
  const child = spawn(process.execPath, [path.join(root, 'scripts/catalog-sync.ts'), '--pages', '1'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

t.test('imports the listed titles with line progress', async (t) => {
  const tmdb = await startTmdbServer({ token });
  t.teardown(() => tmdb.close());
  const run = await sync(t, tmdb.url);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /popular movies: \d+ titles listed so far/);
  t.match(run.stdout, /\] (\d+)\/\1 /, 'a progress line for the last title');
  t.match(run.stdout, /done: [1-9]\d* imported, 0 failed/);
  t.notMatch(run.stdout, /\r/, 'no terminal bar when stdout is not a terminal');
});

t.test('TMDb unreachable: one line on stderr, exit code 1, no stack trace', async (t) => {
  const port = await freePort();
  const run = await sync(t, `http://127.0.0.1:${port}/3`);
  t.equal(run.code, 1);
  const lines = run.stderr.trim().split('\n');
  t.equal(lines.length, 1, run.stderr);
  t.match(
    lines[0],
    new RegExp(`^catalog:sync stopped: .*unavailable.* \\(TMDb at http://127\\.0\\.0\\.1:${port}/3\\)$`),
  );
  t.notMatch(run.stderr, /\n\s+at /, 'no stack trace');
});
