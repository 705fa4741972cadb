// npm run openapi:client [-- OUT]: the TypeScript types of the API, generated from the committed openapi.json
// by openapi-typescript, for a typed client with openapi-fetch (tools/openapi-client/examples/). Written to
// tools/openapi-client/schema.d.ts unless OUT is given. openapi-typescript runs on TypeScript 5's JS API, so
// it lives in its own workspace (tools/openapi-client); the types it writes compile with the project's tsc.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const tool = path.join(root, 'tools', 'openapi-client');
const out = path.resolve(process.argv[2] ?? path.join(tool, 'schema.d.ts'));
const run = spawnSync(
  path.join(tool, 'node_modules', '.bin', 'openapi-typescript'),
  // Named components also as root types (`MovieCard`, `Plan`...), next to `paths` and `operations`.
  [path.join(root, 'openapi.json'), '--output', out, '--root-types', '--root-types-no-schema-prefix'],
  { cwd: tool, stdio: 'inherit' },
);
if (run.status !== 0) {
  console.error('openapi:client: openapi-typescript failed (is tools/openapi-client installed? run npm install)');
  process.exit(1);
}
