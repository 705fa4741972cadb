// Request validation: JSON bodies are checked strictly (no type coercion: "42" is not a number, 42 is not a
// name); query strings, params and headers arrive as text and are coerced. Unknown properties are errors.
// Input that no field may hold (a NUL character, prototype keys) is refused before the schemas run.
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { AppError } from './errors.ts';

const base: Options = { removeAdditional: false, useDefaults: true, allErrors: true, strict: false };

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ ...base, coerceTypes: coerce ? 'array' : false });
  addFormats.default(ajv);
  return ajv;
}

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = makeAjv(false);
  const coercing = makeAjv(true);
  return ({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
}

/** A validator as strict as the one of JSON bodies, for messages that come through no route (WebSocket frames). */
export function compileStrict(schema: object) {
  return makeAjv(false).compile(schema);
}

// The errors below have the shape of a schema failure (details.fields), so clients handle them alike.
const invalid = (field: string, where: string, message: string) =>
  new AppError('INVALID_REQUEST', 'The request is invalid', { fields: [{ field, in: where, message }] });

const NUL_MESSAGE = 'must not contain a NUL character';
const POISON_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuses a URL whose path or query string decodes to a NUL character (PostgreSQL cannot store one in
 * text). The check is one substring search on the raw URL, so the hot path pays nothing else; the field
 * is named only on the error path.
 */
export function assertUrlHasNoNul(url: string): void {
  if (!url.includes('%00')) return;
  const q = url.indexOf('?');
  if (q === -1 || url.slice(0, q).includes('%00')) throw invalid('path', 'params', NUL_MESSAGE);
  for (const pair of url.slice(q + 1).split('&')) {
    if (!pair.includes('%00')) continue;
    const name = pair.split('=')[0];
    let field = name;
    try {
      field = decodeURIComponent(name).replace(/\0/g, '');
    } catch {}
    throw invalid(field || 'querystring', 'querystring', NUL_MESSAGE);
  }
}

/**
 * Parses a JSON body, refusing NUL characters in any string or key and prototype-polluting keys anywhere.
 * JSON can only carry either as text that holds a backslash escape or the key's name, so a body with
 * neither (nearly all of them) is parsed by plain JSON.parse with no per-key callback.
 */
export function parseJsonBody(text: string): unknown {
  const suspicious =
    text.includes('\\u') || text.includes('__proto__') || text.includes('constructor') || text.includes('prototype');
  if (!suspicious) return JSON.parse(text);
  // The reviver runs before any consumer sees the object, so a refused key never reaches a merge or spread.
  return JSON.parse(text, (key, value) => {
    if (POISON_KEYS.has(key)) throw invalid(key, 'body', 'is not allowed');
    if (key.includes('\0')) throw invalid(key.replace(/\0/g, ''), 'body', NUL_MESSAGE);
    if (typeof value === 'string' && value.includes('\0')) throw invalid(key || 'body', 'body', NUL_MESSAGE);
    return value;
  });
}
