// What every GraphQL resolver gets: the request's dependencies, who is calling (the same bearer token
// check as REST, made once per request) and the viewer profile to act for: a `profileId` argument, else
// X-Profile-Id, else the account's first profile; another account's profile is NOT_FOUND, as in REST.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../plugins/auth.ts';
import type { Em } from '../../services/db/orm.ts';
import type { Deps } from '../../services/deps.ts';
import { AppError } from '../../services/errors.ts';
import { pathViewer } from '../../services/profiles/viewer.ts';
import type { Viewer } from '../../services/deps.ts';

export interface Gql {
  app: FastifyInstance;
  request: FastifyRequest;
  deps: Deps;
  em: Em;
  /** The caller, or UNAUTHORIZED (the token's own error when one was sent and refused). */
  requireAuth(): AuthContext;
  /** The viewer for profileId (or the request's), null for an anonymous caller who names no profile. */
  viewer(profileId?: string | null): Promise<Viewer | null>;
  requireViewer(profileId?: string | null): Promise<Viewer>;
  /** Per-request memo of batched reads, keyed by what they read. */
  memo: Map<string, Promise<unknown>>;
}

/** Resolver context: mercurius adds its own keys next to `gql`. */
export interface GqlContext {
  gql: Gql;
}

// The token is checked in onRequest (so the rate limit keys by user); its failure waits for a resolver.
const authErrors = new WeakMap<FastifyRequest, unknown>();

export async function authenticateGraphql(app: FastifyInstance, request: FastifyRequest): Promise<void> {
  try {
    await app.optionalAuth(request, undefined as never);
  } catch (err) {
    authErrors.set(request, err);
  }
}

export function gqlContext(app: FastifyInstance, request: FastifyRequest): Gql {
  const requireAuth = (): AuthContext => {
    const failed = authErrors.get(request);
    if (failed) throw failed;
    if (!request.auth) throw new AppError('UNAUTHORIZED', 'Missing access token');
    return request.auth;
  };
  const viewer = async (profileId?: string | null): Promise<Viewer | null> => {
    if (authErrors.has(request)) throw authErrors.get(request);
    if (!request.auth) {
      if (profileId) throw new AppError('UNAUTHORIZED', 'Missing access token');
      return null;
    }
    return profileId ? pathViewer(request.em, request.auth, profileId) : request.viewer();
  };
  return {
    app,
    request,
    get deps() {
      return request.deps;
    },
    get em() {
      return request.em;
    },
    requireAuth,
    viewer,
    async requireViewer(profileId) {
      requireAuth();
      return (await viewer(profileId))!;
    },
    memo: new Map(),
  };
}
