// Shared TypeBox pieces: the seed 003 envelope, the error body, pagination, the id kinds, and `ref`, which
// turns a shape with an `$id` into the reference route schemas embed (a named component of the OpenAPI document).
import { type Static, type TSchema, type TUnsafe, Type } from '@sinclair/typebox';
import { CONTENT_ID_PATTERN } from '../services/catalog/ids.ts';

/**
 * A `$ref` to a shared shape, typed as that shape. The shape itself is registered once (schemas/components.ts);
 * embedding the reference instead of the object keeps one definition and names it in the OpenAPI document.
 */
export function ref<T extends TSchema>(schema: T): TUnsafe<Static<T>> {
  if (typeof schema.$id !== 'string') throw new Error('ref() needs a schema with an $id');
  return Type.Unsafe<Static<T>>({ $ref: `${schema.$id}#` });
}

export const ErrorResponse = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.Object({
      code: Type.String({ examples: ['INVALID_REQUEST'] }),
      message: Type.String({ examples: ['The request is invalid'] }),
      details: Type.Any({ examples: [{ fields: [{ field: 'email', message: 'must match format "email"' }] }] }),
    }),
    timestamp: Type.String({ format: 'date-time', description: 'When the error was answered (ISO-8601)' }),
    request_id: Type.String({ examples: ['req_2f1c9d0a7b6e'] }),
  },
  { $id: 'ErrorResponse', description: 'Error envelope (every 4xx and 5xx)' },
);

const errorRef = ref(ErrorResponse);

/**
 * A response that is not JSON (a playlist, a segment, a picture): the schema under each media type the
 * route answers with, so the document names what a client receives.
 */
export function mediaTypes(schema: TSchema, ...types: string[]) {
  return { content: Object.fromEntries(types.map((type) => [type, { schema }])) };
}

/** Response entries for the given error statuses, all in the error envelope. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const status of statuses) out[status] = errorRef;
  return out;
}

/**
 * The route schema of an alias path (a spelling another seed's clients use): the canonical route's schema,
 * described as its alias and marked `x-alias-of` in the OpenAPI document. The handler is the canonical one.
 */
export function aliasOf<S extends { description?: string; summary?: string }>(canonical: string, schema: S): S {
  const note = `Alias of \`${canonical}\`: the same handler, request and response.`;
  return {
    ...schema,
    summary: `${schema.summary ?? canonical} (alias)`,
    description: schema.description ? `${note} ${schema.description}` : note,
    'x-alias-of': canonical,
  };
}

/** `{ success: true, message?, data }` around a data schema. */
export function envelope<T extends TSchema>(data: T, description?: string) {
  return Type.Object(
    { success: Type.Literal(true), message: Type.Optional(Type.String()), data },
    description ? { description } : {},
  );
}

export const MessageResponseSchema = Type.Object(
  { success: Type.Literal(true), message: Type.String() },
  { $id: 'MessageResponse', description: 'A success that carries only a message' },
);
export const MessageResponse = ref(MessageResponseSchema);

export const PaginationSchema = Type.Object(
  {
    page: Type.Integer({ minimum: 1 }),
    limit: Type.Integer({ minimum: 1 }),
    total: Type.Integer({ minimum: 0 }),
    total_pages: Type.Integer({ minimum: 0 }),
  },
  { $id: 'Pagination', description: 'Where a page sits in a list' },
);
export const Pagination = ref(PaginationSchema);
export type Pagination = Static<typeof Pagination>;

export function pageQuery(maxLimit: number, defaultLimit = 20) {
  return {
    page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1, description: 'Page number, from 1' }),
    limit: Type.Integer({
      minimum: 1,
      maximum: maxLimit,
      default: defaultLimit,
      description: `Items per page (max ${maxLimit})`,
    }),
  };
}

export function pagination(page: number, limit: number, total: number) {
  return { page, limit, total, total_pages: Math.ceil(total / limit) };
}

// One schema per id kind.
export const Uuid = Type.String({ format: 'uuid', description: 'UUID' });
/** Any content id a client may send: `m<n>`, `s<n>`, `o…`, or a bare TMDb movie id. */
export const ContentId = Type.String({
  pattern: CONTENT_ID_PATTERN,
  description:
    'Content id: `m<tmdb id>` (movie), `s<tmdb id>` (series), `o…` (local original); a bare number is a TMDb movie id',
  examples: ['m238'],
});
/** The stored form only (what admin routes address): `m<n>`/`s<n>` without leading zeros, or `o…`. */
export const StoredContentId = Type.String({
  pattern: '^(?:[ms][1-9][0-9]{0,8}|o[A-Za-z0-9_-]{8,32})$',
  description: 'Content id',
  examples: ['m603', 's1399', 'o3k9x0a7q2b'],
});
export const EpisodeId = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,60}$',
  description: 'Episode id (see the series details)',
  examples: ['ep-1'],
});
export const Email = Type.String({ format: 'email', maxLength: 100, examples: ['example@mail.com'] });
export const Password = Type.String({
  minLength: 8,
  maxLength: 128,
  description: '8 to 128 characters',
  examples: ['PASS1234'],
});
export const GenreIds = Type.Array(
  Type.Union([Type.Integer({ minimum: 1, maximum: 999_999_999 }), Type.String({ pattern: '^[0-9]{1,9}$' })]),
  {
    maxItems: 50,
    uniqueItems: true,
    description: 'Genre ids (see GET /movies/genres)',
    examples: [[28, 35]],
  },
);

export const bearer = [{ bearerAuth: [] }];

/**
 * The preValidation hook of a route whose body may be left out (it validates as `{}`). The OpenAPI document
 * marks the body of every route with this hook optional (plugins/docs.ts), so the two cannot disagree.
 */
export async function optionalBody(request: { body: unknown }): Promise<void> {
  request.body ??= {};
}
