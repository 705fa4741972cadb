// The committed openapi.json must match what the routes generate (run `npm run openapi` after API changes),
// and every documented operation must describe its errors and its auth.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { openApiDocument } from '../services/openapi.ts';

const app = await buildTestApp(t);

t.test('openapi.json is up to date', async (t) => {
  const committed = readFileSync(new URL('../openapi.json', import.meta.url), 'utf8');
  t.ok(committed === openApiDocument(app), 'openapi.json is stale: run `npm run openapi` and commit it');
});

t.test('docs are served at /api/docs and /api/docs/json', async (t) => {
  const ui = await app.inject({ method: 'GET', url: '/api/docs' });
  t.ok([200, 302].includes(ui.statusCode));
  const json = await app.inject({ method: 'GET', url: '/api/docs/json' });
  t.equal(json.statusCode, 200);
  t.equal(json.json().openapi, '3.1.0');
});

t.test('every operation has a summary, a success and an error response', async (t) => {
  const doc = app.swagger() as {
    paths: Record<
      string,
      Record<string, { summary?: string; responses?: Record<string, unknown>; security?: unknown }>
    >;
  };
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const name = `${method.toUpperCase()} ${path}`;
      t.ok(op.summary, `${name} has a summary`);
      const codes = Object.keys(op.responses ?? {});
      t.ok(
        codes.some((c) => c.startsWith('2')),
        `${name} documents a success`,
      );
      if (!path.includes('/system/'))
        t.ok(
          codes.some((c) => /^[45]/.test(c)),
          `${name} documents its errors`,
        );
    }
  }
});
