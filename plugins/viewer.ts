// request.viewer(): the viewer (account + profile + maturity ceiling) of an authenticated request, resolved
// once per request from X-Profile-Id; null for anonymous callers. A PIN-protected profile needs an unlock
// recorded for this login session (POST /profiles/:id/select), else 403 PIN_REQUIRED. Resolved viewers
// are kept in the personal tier until the account writes anything (services/cache/personal.ts).
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { personalTier } from '../services/cache/personal.ts';
import { resolveViewer } from '../services/profiles/viewer.ts';
import type { Viewer } from '../services/deps.ts';

declare module 'fastify' {
  interface FastifyRequest {
    viewer(): Promise<Viewer | null>;
  }
}

const memo = Symbol('viewer');

export default fp(
  async (app) => {
    const tier = personalTier(app.cache);
    app.decorateRequest('viewer', function (this: FastifyRequest & { [memo]?: Promise<Viewer | null> }) {
      const auth = this.auth;
      if (!auth) return Promise.resolve(null);
      const raw = this.headers['x-profile-id'];
      const header = Array.isArray(raw) ? raw[0] : raw;
      this[memo] ??= tier.read(auth.userId, `viewer:${auth.sessionId}:${header ?? ''}`, () =>
        resolveViewer(this.em, auth.userId, header, auth.sessionId),
      );
      return this[memo];
    });
  },
  { name: 'viewer', dependencies: ['db', 'auth', 'cache'] },
);
