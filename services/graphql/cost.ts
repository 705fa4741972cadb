// What a GraphQL operation may cost before it runs: its depth (nesting of object fields) and its cost
// (each object field counts 1, times the sizes of the lists it sits in). A list's size is its `limit`
// argument, or the `limit` of the field that holds it (browse(limit: 50) { content }), or its SDL default,
// or a fixed guess per field. Introspection fields are left out: introspection is switched on or off whole.
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
  getNamedType,
  getNullableType,
  getOperationAST,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
} from 'graphql';
import type { Cache } from '../cache/types.ts';
import { AppError } from '../errors.ts';

/** Sizes of lists that take no `limit` (a series' seasons, a season's episodes ...): what a client gets, at most usually. */
const LIST_SIZES: Record<string, number> = {
  seasons: 10,
  episodes: 25,
  profiles: 5,
  recommendations: 6,
  directors: 3,
};
const DEFAULT_LIST_SIZE = 20;

export interface Analysis {
  depth: number;
  cost: number;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

type Fields = Record<string, GraphQLField<unknown, unknown>>;

function limitOf(w: Walk, node: FieldNode, field: GraphQLField<unknown, unknown>): number | undefined {
  const arg = node.arguments?.find((a) => a.name.value === 'limit');
  const value = arg ? valueFromASTUntyped(arg.value as ValueNode, w.variables) : undefined;
  if (typeof value === 'number') return value;
  const declared = field.args.find((a) => a.name === 'limit')?.defaultValue;
  return typeof declared === 'number' ? declared : undefined;
}

function walk(w: Walk, set: SelectionSetNode, fields: Fields, inherited: number | undefined): Analysis {
  let cost = 0;
  let depth = 0;
  for (const selection of set.selections) {
    let part: Analysis = { cost: 0, depth: 0 };
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const field = fields[selection.name.value];
      if (!field || !selection.selectionSet) continue;
      const named = getNamedType(field.type);
      if (!isObjectType(named) && !isInterfaceType(named)) continue;
      const limit = limitOf(w, selection, field);
      const isList = isListType(getNullableType(field.type));
      const size = isList ? (limit ?? inherited ?? LIST_SIZES[selection.name.value] ?? DEFAULT_LIST_SIZE) : 1;
      const child = walk(w, selection.selectionSet, named.getFields(), isList ? undefined : limit);
      part = { cost: 1 + size * child.cost, depth: 1 + child.depth };
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? w.schema.getType(selection.typeCondition.name.value) : null;
      const own = type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields() : fields;
      part = walk(w, selection.selectionSet, own, inherited);
    } else {
      const fragment = w.fragments.get(selection.name.value);
      if (!fragment) continue;
      const type = w.schema.getType(fragment.typeCondition.name.value);
      const own = type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields() : fields;
      part = walk(w, fragment.selectionSet, own, inherited);
    }
    cost += part.cost;
    depth = Math.max(depth, part.depth);
  }
  return { cost, depth };
}

/** Depth and cost of the operation that will run (validated documents only: fragment cycles are refused before). */
export function analyse(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  variables: Record<string, unknown> = {},
): Analysis {
  const operation = getOperationAST(document, operationName);
  if (!operation) return { cost: 0, depth: 0 };
  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return { cost: 0, depth: 0 };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return walk({ schema, fragments, variables }, operation.selectionSet, root.getFields(), undefined);
}

export interface CostLimits {
  maxDepth: number;
  maxCost: number;
}

/** Refuses an operation over the limits, with the figures in the details; returns its cost otherwise. */
export function checkLimits(analysis: Analysis, limits: CostLimits): number {
  if (analysis.depth > limits.maxDepth) {
    throw new AppError('QUERY_TOO_DEEP', `The query is nested ${analysis.depth} deep; at most ${limits.maxDepth}`, {
      depth: analysis.depth,
      max_depth: limits.maxDepth,
    });
  }
  if (analysis.cost > limits.maxCost) {
    throw new AppError('QUERY_TOO_COMPLEX', `The query costs ${analysis.cost}; at most ${limits.maxCost}`, {
      cost: analysis.cost,
      max_cost: limits.maxCost,
    });
  }
  return analysis.cost;
}

/**
 * Spends `cost` of the caller's budget for the current window (counted in the shared cache, so every
 * instance sees it); over the budget the operation is refused with RATE_LIMITED. A failing cache lets it pass,
 * as the REST rate limits do.
 */
export async function spendBudget(
  cache: Cache,
  caller: string,
  cost: number,
  options: { budget: number; windowMs: number },
): Promise<void> {
  const windowS = Math.max(1, Math.ceil(options.windowMs / 1000));
  const bucket = Math.floor(Date.now() / (windowS * 1000));
  let used: number;
  try {
    used = await cache.incr(`gql:cost:${caller}:${bucket}`, windowS, cost);
  } catch {
    return;
  }
  if (used > options.budget) {
    const retryAfter = windowS - (Math.floor(Date.now() / 1000) % windowS);
    throw new AppError('RATE_LIMITED', `GraphQL budget spent: retry in ${retryAfter} s`, {
      limit: options.budget,
      cost,
      retry_after: retryAfter,
    });
  }
}

/** Introspection is on outside production, and in production only when GRAPHQL_INTROSPECTION=true. */
export const introspectionEnabled = (config: { NODE_ENV: string; GRAPHQL_INTROSPECTION: string }): boolean =>
  config.GRAPHQL_INTROSPECTION === 'true' ||
  (config.GRAPHQL_INTROSPECTION === 'auto' && config.NODE_ENV !== 'production');
