// The OpenAPI document as published: what the route schemas generate, finished in one place (operation ids,
// auth, headers, optional defaulted parameters, size limits, the probes), and its committed, stable form.
import type { FastifyInstance } from 'fastify';

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: { default?: unknown; [key: string]: unknown };
  $ref?: string;
}
interface Response {
  description?: string;
  headers?: Record<string, unknown>;
}
interface Operation {
  [OPTIONAL_BODY]?: boolean;
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean };
  responses: Record<string, Response>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** The mark of a route whose body may be left out (an `x-` key, which the generator copies to the operation). */
export const OPTIONAL_BODY = 'x-optional-body';

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const errorRef = { $ref: '#/components/schemas/ErrorResponse' };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorRef } } });
// Node's HTTP server answers this itself, before any route, with no body; operations with no other client
// error (the probes, health) name it.
const headersTooLarge = (): Response => ({
  description: 'The request headers are larger than the server accepts (no body)',
});
const header = (description: string, schema: Record<string, unknown>) => ({ description, schema });
const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });

const headers = {
  'X-Request-Id': header('Id of this request (also in the error envelope and the logs)', { type: 'string' }),
  'RateLimit-Limit': header('Requests allowed in the window', { type: 'integer' }),
  'RateLimit-Remaining': header('Requests left in the window', { type: 'integer' }),
  'RateLimit-Reset': header('Seconds until the window resets', { type: 'integer' }),
  'X-RateLimit-Limit': header('Same as RateLimit-Limit', { type: 'integer' }),
  'X-RateLimit-Remaining': header('Same as RateLimit-Remaining', { type: 'integer' }),
  'X-RateLimit-Reset': header('Same as RateLimit-Reset', { type: 'integer' }),
  'Retry-After': header('Seconds to wait before retrying', { type: 'integer' }),
  'Idempotent-Replayed': header('`true` when this is the stored answer to an earlier request with the same key', {
    type: 'string',
    enum: ['true'],
  }),
};
const RATE_HEADERS = Object.keys(headers).filter((h) => h.includes('RateLimit'));

const profileHeader = {
  in: 'header',
  name: 'X-Profile-Id',
  required: false,
  description: 'The viewer profile to act for (default: the account’s first profile)',
  schema: { type: 'string', format: 'uuid' },
};
// Signed-in requests under these prefixes act for a viewer profile (request.viewer()).
const PROFILE_SCOPED = ['movies', 'content', 'search', 'recommendations', 'streaming', 'watch-parties'].map(
  (f) => `/api/v1/${f}`,
);

const webhookBody = {
  required: true,
  description: 'The provider event, exactly as sent (the signature covers these bytes)',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['id', 'type', 'data'],
        properties: {
          id: { type: 'string', examples: ['evt_1Q0'] },
          type: { type: 'string', examples: ['invoice.paid'] },
          created: { type: 'integer' },
          data: { type: 'object', properties: { object: { type: 'object' } } },
        },
      },
    },
  },
};
const signatureHeader = {
  in: 'header',
  name: 'Stripe-Signature',
  required: true,
  description: 'Signature of the raw body with the webhook secret',
  schema: { type: 'string' },
};

// The GraphQL route (mercurius) has no response schema of its own: the answer is a GraphQL result, with the
// status of its first error's code when nothing could run; what fails before mercurius (the rate limit, a
// bad token) answers in the error envelope.
const graphqlError = {
  type: 'object',
  required: ['message'],
  properties: {
    message: { type: 'string' },
    locations: {
      type: 'array',
      items: { type: 'object', properties: { line: { type: 'integer' }, column: { type: 'integer' } } },
    },
    path: { type: 'array', items: { type: ['string', 'integer'] } },
    extensions: {
      type: 'object',
      properties: { code: { type: 'string', examples: ['NOT_FOUND'] }, details: { type: 'object' } },
    },
  },
};
const graphqlResult = {
  type: 'object',
  required: ['data'],
  properties: { data: { type: ['object', 'null'] }, errors: { type: 'array', items: graphqlError } },
};
function graphqlResponses(): Record<string, Response> {
  const json = (schema: unknown) => ({ 'application/json': { schema } });
  const failed = (description: string) =>
    ({ description, content: json({ anyOf: [graphqlResult, errorRef] }) }) as Response;
  return {
    200: { description: 'The result; `errors` names the fields that failed', content: json(graphqlResult) } as Response,
    400: failed('The document or the variables are invalid, or the operation is too deep or too costly'),
    401: failed('The bearer token is invalid or expired, or a field needs one'),
    403: failed('The caller may not read or do this'),
    404: failed('What the operation names does not exist'),
    405: failed('A mutation sent with GET'),
    409: failed('The change conflicts with the current state'),
    429: failed('Rate limited (the request, or the operation costs, past the budget of the window)'),
    503: failed('A dependency is unavailable'),
  };
}

// Hidden routes registered by plugins (probes and the Prometheus endpoint), documented here.
const probes: Record<string, Record<string, Operation>> = {
  '/livez': {
    get: {
      operationId: 'system.livez',
      summary: 'Liveness probe',
      tags: ['system'],
      description: 'The process is up; never touches the database. Not rate limited.',
      security: [],
      responses: {
        200: {
          description: 'Alive',
          content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ok' } } } } },
        } as Response,
        431: headersTooLarge(),
        503: errorResponse('Shutting down'),
      },
    },
  },
  '/readyz': {
    get: {
      operationId: 'system.readyz',
      summary: 'Readiness probe',
      tags: ['system'],
      description: 'Ready when the database answers and the cache is not down. Not rate limited.',
      security: [],
      responses: {
        200: readiness('Ready'),
        431: headersTooLarge(),
        503: readiness('Not ready: the checks say which dependency is down'),
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'system.metrics',
      summary: 'Prometheus metrics',
      tags: ['system'],
      description: 'Enabled only when METRICS_TOKEN is set; send it as a bearer token. Not rate limited.',
      security: [{ metricsToken: [] }],
      responses: {
        200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
        401: errorResponse('Missing or wrong metrics token'),
        404: errorResponse('Metrics are disabled'),
      },
    } as Operation,
  },
};

function readiness(description: string): Response {
  const schema = {
    type: 'object',
    required: ['status', 'checks'],
    properties: {
      status: { type: 'string', enum: ['ready', 'not ready'] },
      checks: { type: 'object', additionalProperties: { type: 'string' } },
    },
  };
  return { description, content: { 'application/json': { schema } } } as Response;
}

const VERB_AFTER_ID: Record<string, string> = {
  get: 'get',
  put: 'replace',
  patch: 'update',
  delete: 'delete',
  post: 'create',
};

// Where the path alone reads wrong: seed 003's POST /profile edits the account; DELETE on a list clears it.
const NAMED: Record<string, string> = {
  'post /api/v1/profile': 'profile.update',
  'delete /api/v1/profiles/{id}/history': 'profiles.history.clear',
  'delete /api/v1/users/profiles/{id}/history': 'users.profiles.history.clear',
};

/**
 * A readable id from the method and the path (`GET /movies/popular` is `movies.popular`, `DELETE
 * /profiles/{id}` is `profiles.delete`), so it stays the same while other routes come and go. A POST to a
 * collection (a plural, or a path that also has a GET) creates (`movies.ratings.create`); elsewhere it names
 * an action (`auth.login`).
 */
export function operationId(method: string, path: string, methodsOfPath: string[]): string {
  const named = NAMED[`${method} ${path}`];
  if (named) return named;
  const segments = path
    .replace(/^\/api\/v1\//, '/')
    .split('/')
    .filter(Boolean);
  const endsWithId = segments.at(-1)?.startsWith('{') ?? false;
  const words = segments
    .filter((s) => !s.startsWith('{'))
    .map((s) => s.replace(/[^A-Za-z0-9]+([A-Za-z0-9])/g, (_m, c: string) => c.toUpperCase()));
  const base = words.join('.') || 'root';
  if (endsWithId) return `${base}.${VERB_AFTER_ID[method] ?? method}`;
  if (method === 'get') return base;
  const collection = methodsOfPath.includes('get') || /s$/.test(segments.at(-1) ?? '');
  if (method === 'post') return collection ? `${base}.create` : base;
  return `${base}.${VERB_AFTER_ID[method] ?? method}`;
}

const INTERNAL_NOTE = / ?\(seed \d{3}\)/g;

/** Completes the generated document in place; returns it. */
export function finishDocument(doc: OpenApiDocument): OpenApiDocument {
  // A copy: the operations are completed in place, and the constants serve every app instance.
  Object.assign(doc.paths, structuredClone(probes));
  doc.components.headers = { ...doc.components.headers, ...headers };
  doc.components.securitySchemes = {
    ...doc.components.securitySchemes,
    metricsToken: { type: 'http', scheme: 'bearer', description: 'The METRICS_TOKEN of the deployment' },
  };
  const taken = new Set<string>();
  // A route serving several methods hands the generator one operation object for all of them: each
  // method gets its own copy before it is completed, so ids and parameters are not shared.
  const seen = new Set<Operation>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, shared] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const op: Operation = seen.has(shared) ? structuredClone(shared) : shared;
      seen.add(op);
      (item as Record<string, Operation>)[method] = op;
      let id = op.operationId ?? operationId(method, path, Object.keys(item));
      if (taken.has(id)) id = `${id}.${method}`;
      taken.add(id);
      op.operationId = id;
      finishOperation(path, method, op);
    }
  }
  scrub(doc);
  return doc;
}

function finishOperation(path: string, method: string, op: Operation): void {
  op.security ??= [];
  if (op.description === undefined && op.summary) op.description = op.summary;
  const params = (op.parameters ??= []);
  // A query parameter with a default is optional: the server fills it in.
  for (const p of params) if (p.in === 'query' && p.schema?.default !== undefined) delete p.required;
  const signedIn = op.security.some((s) => 'bearerAuth' in s);
  if (signedIn && PROFILE_SCOPED.some((prefix) => path.startsWith(prefix))) params.push(profileHeader);
  if (path === '/api/v1/graphql') op.responses = graphqlResponses();
  if (path === '/api/v1/billing/webhook' && method === 'post') {
    op.requestBody ??= webhookBody;
    params.push(signatureHeader);
  }
  if (params.length === 0) delete op.parameters;
  if (op[OPTIONAL_BODY] && op.requestBody) op.requestBody.required = false;
  delete op[OPTIONAL_BODY];

  const { responses } = op;
  if (op.requestBody && !responses[413]) responses[413] = errorResponse('The body is larger than the limit');
  if (path.includes('{') && !responses[414]) {
    responses[414] = errorResponse('A path parameter is longer than 200 characters');
  }
  if (!Object.keys(responses).some((status) => status.startsWith('4'))) responses[431] = headersTooLarge();
  const limited = responses[429] !== undefined;
  const idempotent = params.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
  for (const [status, response] of Object.entries(responses)) {
    const added: Record<string, unknown> = { 'X-Request-Id': headerRef('X-Request-Id') };
    if (limited && (status.startsWith('2') || status === '429')) {
      for (const h of RATE_HEADERS) added[h] = headerRef(h);
    }
    if (status === '429') added['Retry-After'] = headerRef('Retry-After');
    if (idempotent && status.startsWith('2')) added['Idempotent-Replayed'] = headerRef('Idempotent-Replayed');
    response.headers = { ...added, ...response.headers };
  }
}

/** The public document speaks of the API only: drops references to the project's internal notes. */
function scrub(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) scrub(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string' && (key === 'description' || key === 'summary')) {
      record[key] = value.replace(INTERNAL_NOTE, '');
    } else scrub(value);
  }
}

export const openApiDocument = (app: FastifyInstance): string => `${JSON.stringify(app.swagger(), null, 2)}\n`;
