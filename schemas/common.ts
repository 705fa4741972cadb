// Shared TypeBox pieces: the seed 003 envelope, the error body, pagination and id formats.
import { Type, type TSchema } from '@sinclair/typebox';

export const ErrorResponse = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.Object({
      code: Type.String({ examples: ['INVALID_REQUEST'] }),
      message: Type.String({ examples: ['The request is invalid'] }),
      details: Type.Any({ examples: [{ fields: [{ field: 'email', message: 'must match format "email"' }] }] }),
    }),
    request_id: Type.String({ examples: ['req_2f1c9d0a7b6e'] }),
  },
  { $id: 'ErrorResponse', description: 'Error envelope (every 4xx and 5xx)' },
);

const errorRef = Type.Unsafe<unknown>({ $ref: 'ErrorResponse#' });

/** Response entries for the given error statuses, all in the error envelope. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const status of statuses) out[status] = errorRef;
  return out;
}

/** `{ success: true, message?, data }` around a data schema. */
export function envelope<T extends TSchema>(data: T, description?: string) {
  return Type.Object(
    { success: Type.Literal(true), message: Type.Optional(Type.String()), data },
    description ? { description } : {},
  );
}

export const MessageResponse = Type.Object({ success: Type.Literal(true), message: Type.String() });

export const Pagination = Type.Object({
  page: Type.Integer({ minimum: 1 }),
  limit: Type.Integer({ minimum: 1 }),
  total: Type.Integer({ minimum: 0 }),
  total_pages: Type.Integer({ minimum: 0 }),
});

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

export const Uuid = Type.String({ format: 'uuid', description: 'UUID' });
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
