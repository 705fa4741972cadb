// Every configuration variable is documented in .env.example, and .env.example itself is valid.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { ConfigSchema, loadConfig } from '../services/config.ts';

const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
const documented = new Map(
  example
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

t.test('.env.example lists every variable', async (t) => {
  for (const key of Object.keys(ConfigSchema.properties)) t.ok(documented.has(key), `${key} is in .env.example`);
  for (const key of documented.keys()) t.ok(key in ConfigSchema.properties, `${key} is a real variable`);
});

t.test('.env.example values load as they are', async (t) => {
  t.doesNotThrow(() => loadConfig(Object.fromEntries(documented)));
});
