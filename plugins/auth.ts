// JWT authentication: access tokens (HS256 pinned, iss/aud/exp required, type checked, session active),
// reset tokens for the forgot-password flow, and the authenticate / optionalAuth / requireRole hooks.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import fastifyJwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../services/errors.ts';
import type { AccessClaims, ResetClaims, TokenSigner } from '../services/deps.ts';
import { hasRole } from '../services/auth/admin.ts';
import { isSessionActive } from '../services/auth/session-state.ts';
import type { Config } from '../services/config.ts';

export interface AuthContext {
  userId: string;
  sessionId: string;
  role: 'user' | 'admin';
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: Hook;
    optionalAuth: Hook;
    requireRole(role: 'admin'): Hook;
    tokens: TokenSigner & {
      verifyReset(token: string): ResetClaims;
      verifyAccess(token: string): AccessClaims & { exp: number };
      verifyAccessIgnoringExpiry(token: string): AccessClaims;
    };
  }
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims | ResetClaims;
    user: AccessClaims;
  }
}

/** The configured secret, or (embedded default) a random one kept in DATA_DIR so tokens survive restarts. */
function jwtSecret(config: Config): string {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  if (config.DATA_DIR === 'memory://') return randomBytes(32).toString('hex');
  const file = path.resolve(config.DATA_DIR, 'jwt-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(config.DATA_DIR, { recursive: true });
    const secret = randomBytes(32).toString('hex');
    writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9_.-]{10,4096})$/.exec(header);
  if (!match) throw new AppError('UNAUTHORIZED', 'The Authorization header must be "Bearer <token>"');
  return match[1];
}

export default fp(
  async (app) => {
    const { config } = app;
    const common = { iss: config.JWT_ISSUER, aud: config.JWT_AUDIENCE };
    await app.register(fastifyJwt, {
      secret: jwtSecret(config),
      sign: { algorithm: 'HS256', ...common, expiresIn: config.ACCESS_TOKEN_TTL },
      verify: {
        algorithms: ['HS256'],
        allowedIss: config.JWT_ISSUER,
        allowedAud: config.JWT_AUDIENCE,
        requiredClaims: ['exp', 'iss', 'aud', 'iat'],
        // Verified tokens are remembered until they expire (keyed by a hash of the whole token): a client
        // sends the same token on every request, and the signature check is the costliest step left.
        cache: 10_000,
      },
    });

    const verifier = app.jwt.verify.bind(app.jwt) as (token: string, options?: object) => AccessClaims | ResetClaims;
    const verifyOf = <T extends AccessClaims | ResetClaims>(token: string, type: T['type'], options?: object): T => {
      let claims: AccessClaims | ResetClaims;
      try {
        claims = verifier(token, options);
      } catch (err) {
        const expired =
          (err as { code?: string }).code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED' || /expired/i.test(String(err));
        throw new AppError(
          expired ? 'TOKEN_EXPIRED' : 'UNAUTHORIZED',
          expired ? 'The token has expired' : 'Invalid token',
        );
      }
      if (claims.type !== type) throw new AppError('UNAUTHORIZED', 'Wrong token type');
      return claims as T;
    };

    app.decorate('tokens', {
      accessTtl: config.ACCESS_TOKEN_TTL,
      access: (claims) => app.jwt.sign({ ...claims, type: 'access_token' }),
      reset: (claims) => app.jwt.sign({ ...claims, type: 'forgot_password' }, { expiresIn: config.OTP_TTL }),
      verifyReset: (token) => verifyOf<ResetClaims>(token, 'forgot_password'),
      verifyAccess: (token) => verifyOf<AccessClaims & { exp: number }>(token, 'access_token'),
      verifyAccessIgnoringExpiry: (token) => verifyOf<AccessClaims>(token, 'access_token', { ignoreExpiration: true }),
    });

    app.decorateRequest('auth', null);

    const authenticate: Hook = async (request) => {
      const token = bearerToken(request);
      if (!token) throw new AppError('UNAUTHORIZED', 'Missing access token');
      const claims = verifyOf<AccessClaims>(token, 'access_token');
      // A getter: the entity manager is forked only when the cache has no answer.
      const deps = {
        get em() {
          return request.em;
        },
        cache: app.cache,
        clock: app.clock,
      };
      if (!(await isSessionActive(deps, claims.session_id))) {
        throw new AppError('UNAUTHORIZED', 'The session has ended');
      }
      request.auth = { userId: claims.user_id, sessionId: claims.session_id, role: claims.role };
    };

    app.decorate('authenticate', authenticate);
    app.decorate('optionalAuth', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.headers.authorization) await authenticate(request, reply);
    });
    app.decorate('requireRole', (role: 'admin') => async (request: FastifyRequest, reply: FastifyReply) => {
      await authenticate(request, reply);
      // The role is read from the database, not the token, so a revoked admin loses access at once.
      if (!(await hasRole(request.em, request.auth!.userId, role)))
        throw new AppError('FORBIDDEN', 'This action needs the admin role');
    });
  },
  { name: 'auth', dependencies: ['config', 'db', 'cache'] },
);
