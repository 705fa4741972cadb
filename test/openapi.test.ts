// The committed openapi.json must match what the routes generate (run `npm run openapi` after API changes),
// every documented operation must describe its errors and its auth, and the linters must find nothing.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { buildTestApp } from './helpers/app.ts';
import { openApiDocument } from '../services/openapi.ts';

const app = await buildTestApp(t);
// The lint run generates and lints both documents in a child process: slow on a busy machine.
t.setTimeout(600_000);

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

interface Op {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; required?: boolean; schema?: { default?: unknown } }[];
  requestBody?: unknown;
  responses: Record<string, { headers?: Record<string, unknown> }>;
}
const doc = app.swagger() as unknown as {
  paths: Record<string, Record<string, Op>>;
  components: { schemas: Record<string, unknown>; headers: Record<string, unknown> };
};
const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, method, op })),
);
const find = (method: string, path: string) => ops.find((o) => o.method === method && o.path === path)!.op;

t.test('shared shapes are named components, referenced from the operations', async (t) => {
  const names = [
    'ErrorResponse',
    'Pagination',
    'MovieCard',
    'MovieDetails',
    'ContentItem',
    'Season',
    'Episode',
    'ViewerProfile',
    'Account',
    'User',
    'Subscription',
    'Plan',
    'Invoice',
    'Notification',
  ];
  for (const name of names) t.ok(doc.components.schemas[name], `${name} is a component`);
  const text = JSON.stringify(doc.paths);
  for (const name of ['Pagination', 'ViewerProfile', 'Plan', 'Notification', 'MovieCard'])
    t.ok(text.includes(`"#/components/schemas/${name}"`), `${name} is referenced`);
});

t.test('operation ids: every operation has one, unique and readable', async (t) => {
  const ids = ops.map((o) => o.op.operationId);
  t.equal(new Set(ids).size, ops.length, 'unique');
  for (const o of ops) t.match(o.op.operationId, /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$/, o.name);
  t.equal(find('get', '/api/v1/movies/popular').operationId, 'movies.popular');
  t.equal(find('post', '/api/v1/auth/login').operationId, 'auth.login');
  t.equal(find('post', '/api/v1/movies/ratings').operationId, 'movies.ratings.create');
  t.equal(find('delete', '/api/v1/profiles/{id}').operationId, 'profiles.delete');
});

t.test('public operations say so; protected ones name the bearer scheme', async (t) => {
  for (const o of ops) t.ok(Array.isArray(o.op.security), `${o.name} declares security`);
  t.same(find('post', '/api/v1/auth/login').security, []);
  t.same(find('get', '/api/v1/plans').security, []);
  t.same(find('get', '/api/v1/profile').security, [{ bearerAuth: [] }]);
});

t.test('a query parameter with a default is optional', async (t) => {
  const defaulted = ops.flatMap((o) =>
    (o.op.parameters ?? []).filter((p) => p.in === 'query' && p.schema?.default !== undefined),
  );
  t.ok(defaulted.length > 40, 'page, limit, days... have defaults');
  for (const p of defaulted) t.not(p.required, true, `${p.name} is not required`);
  const popular = find('get', '/api/v1/movies/popular');
  t.same(
    popular.parameters?.filter((p) => p.in === 'query').map((p) => p.required ?? false),
    [false, false],
  );
  // The server agrees: no page or limit given is a full first page.
  const res = await app.inject({ method: 'GET', url: '/api/v1/movies/popular' });
  t.equal(res.statusCode, 200);
  t.match(res.json().data.pagination, { page: 1, limit: 20 });
});

t.test('request and response headers are declared', async (t) => {
  const headerNames = (op: Op) => (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
  t.ok(headerNames(find('get', '/api/v1/movies/favourites')).includes('X-Profile-Id'));
  t.ok(headerNames(find('post', '/api/v1/subscriptions')).includes('idempotency-key'));
  const subscribe = find('post', '/api/v1/subscriptions').responses;
  t.ok(subscribe[201].headers?.['Idempotent-Replayed'], 'a replay is marked');
  const popular = find('get', '/api/v1/movies/popular').responses;
  for (const h of ['X-Request-Id', 'RateLimit-Limit', 'RateLimit-Remaining', 'X-RateLimit-Limit'])
    t.ok(popular[200].headers?.[h], `200 declares ${h}`);
  t.ok(popular[429].headers?.['Retry-After'], '429 declares Retry-After');
  const webhook = find('post', '/api/v1/billing/webhook');
  t.ok(webhook.requestBody, 'the webhook declares its body');
  t.ok(headerNames(webhook).includes('Stripe-Signature'));
});

t.test('413, 414 and the probes are documented; 414 answers in the envelope', async (t) => {
  t.ok(find('post', '/api/v1/auth/signup').responses[413]);
  t.ok(find('get', '/api/v1/movies/{id}').responses[414]);
  for (const path of ['/livez', '/readyz', '/metrics']) t.ok(doc.paths[path]?.get, `${path} is documented`);
  const res = await app.inject({ method: 'GET', url: `/api/v1/movies/${'m'.repeat(250)}` });
  t.equal(res.statusCode, 414);
  t.match(res.json(), { success: false, error: { code: 'URI_TOO_LONG' }, request_id: /./ });
  t.equal(res.headers['x-request-id'], res.json().request_id);
  t.notMatch(res.body, 'mmmmmmmmmm', 'the URL is not echoed');
});

t.test('the document speaks of the API only', async (t) => {
  t.notMatch(JSON.stringify(doc), /\bseed \d{3}\b|README/i);
});

t.test('npm run lint:api: Redocly and Spectral find nothing', async (t) => {
  const run = spawnSync(process.execPath, [fileURLToPath(new URL('../scripts/lint-api.ts', import.meta.url))], {
    encoding: 'utf8',
  });
  t.equal(run.status, 0, `${run.stdout}\n${run.stderr}`.slice(-3000));
});
