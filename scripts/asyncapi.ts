// npm run asyncapi: writes the AsyncAPI document of the WebSocket to asyncapi.json, so that a diff shows
// every protocol change. test/asyncapi.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { asyncApiDocument } from '../services/asyncapi.ts';
import { loadConfig } from '../services/config.ts';

const config = loadConfig({ NODE_ENV: 'test' });
writeFileSync(new URL('../asyncapi.json', import.meta.url), asyncApiDocument(config.APP_VERSION));
console.log('asyncapi.json written');
