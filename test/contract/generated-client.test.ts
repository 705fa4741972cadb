// A client generated from the committed openapi.json (openapi-typescript + openapi-fetch) compiles with the
// project's tsc and works against the real server with no optional parameter passed; a wrong call does not
// compile. The types are generated afresh into a temporary folder: openapi.json is the committed contract
// (test/openapi.test.ts keeps it current), so a second committed copy would only be one more file to forget.
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { listeningApp, root } from './support.ts';

t.setTimeout(300_000);
const dir = await mkdtemp(path.join(tmpdir(), 'cinemate-client-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const tool = path.join(root, 'tools', 'openapi-client');
// The project's tsc (TypeScript 7) by its ES module entry: the extensionless bin script would be loaded by the
// test runner's CommonJS hooks, which refuse it.
const tscEntry = path.join(root, 'node_modules', 'typescript', 'lib', 'tsc.js');
const tsc = (project: string) =>
  spawnSync(process.execPath, [tscEntry, '-p', path.join(dir, project), '--pretty', 'false'], {
    cwd: dir,
    encoding: 'utf8',
  });

t.before(async () => {
  const script = path.join(root, 'scripts/openapi-client.ts');
  const generated = spawnSync(process.execPath, [script, path.join(dir, 'schema.d.ts')], {
    encoding: 'utf8',
  });
  if (generated.status !== 0) throw new Error(`openapi:client failed:\n${generated.stdout}\n${generated.stderr}`);
  await cp(path.join(tool, 'examples'), path.join(dir, 'examples'), { recursive: true });
  await cp(path.join(tool, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  await writeFile(
    path.join(dir, 'tsconfig.wrong.json'),
    JSON.stringify({ extends: './tsconfig.json', files: ['schema.d.ts', 'examples/wrong-call.ts'] }),
  );
  // openapi-fetch and its helpers resolve from the project's packages.
  await symlink(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
});

t.test('the generated types name the shared shapes', async (t) => {
  const types = await readFile(path.join(dir, 'schema.d.ts'), 'utf8');
  for (const name of ['MovieCard', 'Pagination', 'Subscription', 'Plan', 'ErrorResponse'])
    t.match(types, new RegExp(`export type ${name} = components\\['schemas'\\]\\['${name}'\\];`), name);
  t.match(types, /"\/api\/v1\/movies\/popular": \{/);
});

t.test('the typed session compiles with the project tsc', async (t) => {
  const run = tsc('tsconfig.json');
  t.equal(run.status, 0, run.stdout + run.stderr);
});

t.test('a wrong call fails to compile, on the marked lines only', async (t) => {
  const source = (await readFile(path.join(dir, 'examples/wrong-call.ts'), 'utf8')).split('\n');
  const marked = source.flatMap((line, i) => (line.includes('// error:') ? [i + 1] : []));
  t.equal(marked.length, 2);
  const run = tsc('tsconfig.wrong.json');
  t.not(run.status, 0, 'tsc exits non-zero');
  const errors = [...run.stdout.matchAll(/^examples\/wrong-call\.ts\((\d+),\d+\): error (TS\d+): (.*)$/gm)];
  t.same(
    errors.map((e) => Number(e[1])),
    marked,
    run.stdout,
  );
  t.equal(errors[0][2], 'TS2345', 'the search without q');
  t.match(errors[0][3], /'\{\}' is not assignable/);
  t.match(run.stdout, /Property 'params' is missing[^\n]*q: string/);
  t.equal(errors[1][2], 'TS2322', 'the limit as text');
  t.match(errors[1][3], /Type 'string' is not assignable to type 'number'/);
});

t.test('the typed session runs against the server', async (t) => {
  const { origin } = await listeningApp(t);
  const session = await import(pathToFileURL(path.join(dir, 'examples/session.ts')).href);
  const result = await session.clientSession(origin, `typed-${Date.now()}@example.com`);
  t.match(result, {
    userId: /^[0-9a-f-]{36}$/,
    plan: 'basic',
    playback: { sessionId: String, quality: '720p' },
  });
  t.ok(result.popular.length > 0, 'the popular list has titles');
  t.match(result.popular[0], { id: String, title: String, is_favorite: Boolean });
  t.same(result.favourites, [result.popular[0].id], 'the favourite is listed');
});
