// npm run openapi: writes the OpenAPI document generated from the route schemas to openapi.json, so that a
// diff shows every API change. test/openapi.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { buildApp } from '../app.ts';
import { openApiDocument } from '../services/openapi.ts';

const app = await buildApp({ env: { DATA_DIR: 'memory://', LOG_LEVEL: 'silent', NODE_ENV: 'test' } });
await app.ready();
writeFileSync(new URL('../openapi.json', import.meta.url), openApiDocument(app));
await app.close();
console.log('openapi.json written');
