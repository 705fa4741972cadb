// GraphQL arguments are checked against the REST schemas of the same inputs (ranges, patterns, lengths),
// so both APIs accept exactly the same values; a failure has the REST shape (details.fields, in: "args").
import type { Static, TSchema } from '@sinclair/typebox';
import { AppError } from '../errors.ts';
import { createValidatorCompiler } from '../validation.ts';

type Check = ((value: unknown) => boolean) & {
  errors?: Array<{ instancePath: string; message?: string; params: Record<string, unknown> }> | null;
};

const compile = createValidatorCompiler();
const compiled = new WeakMap<TSchema, Check>();

/** Omitted GraphQL arguments arrive as undefined (or null for optional ones): neither is a value to check. */
function present(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null));
}

/** The arguments with the schema's defaults, or INVALID_REQUEST naming each bad field. */
export function checkArgs<T extends TSchema>(schema: T, value: Record<string, unknown>, keepNull = false): Static<T> {
  let check = compiled.get(schema);
  if (!check) {
    check = compile({ schema, method: 'POST', url: '/graphql', httpPart: 'body' }) as unknown as Check;
    compiled.set(schema, check);
  }
  const input = keepNull
    ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined))
    : present(value);
  if (check(input)) return input as Static<T>;
  const fields = (check.errors ?? []).slice(0, 20).map((e) => {
    const name = (e.params.missingProperty ?? e.params.additionalProperty) as string | undefined;
    const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    return { field: [base, name].filter(Boolean).join('.') || 'args', in: 'args', message: e.message ?? 'is invalid' };
  });
  throw new AppError('INVALID_REQUEST', 'The arguments are invalid', { fields });
}
