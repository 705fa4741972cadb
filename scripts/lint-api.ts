// npm run lint:api: generates the OpenAPI and AsyncAPI documents afresh (into a temporary folder, so the
// committed ones are untouched) and lints them with Redocly (recommended) and Spectral (.spectral.yaml).
// Exits non-zero on any error or warning; test/openapi.test.ts runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../app.ts';
import { asyncApiDocument } from '../services/asyncapi.ts';
import { openApiDocument } from '../services/openapi.ts';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dir = mkdtempSync(path.join(tmpdir(), 'cinemate-api-'));
const openapi = path.join(dir, 'openapi.json');
const asyncapi = path.join(dir, 'asyncapi.json');

const app = await buildApp({ env: { DATA_DIR: 'memory://', LOG_LEVEL: 'silent', NODE_ENV: 'test' } });
await app.ready();
writeFileSync(openapi, openApiDocument(app));
writeFileSync(asyncapi, asyncApiDocument(app.config.APP_VERSION));
await app.close();

const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const runs: Array<[string, string[]]> = [
  [bin('redocly'), ['lint', '--config', path.join(root, 'redocly.yaml'), openapi]],
  [bin('spectral'), ['lint', '--fail-severity=warn', '-r', path.join(root, '.spectral.yaml'), openapi, asyncapi]],
];
let failed = false;
for (const [command, args] of runs) {
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}
rmSync(dir, { recursive: true, force: true });
if (failed) {
  console.error('lint:api: the API documents have lint errors or warnings');
  process.exit(1);
}
console.log('lint:api: OpenAPI and AsyncAPI documents are lint-clean');
