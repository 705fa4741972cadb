// request.viewer(): the viewer (account + profile + maturity ceiling) of an authenticated request, resolved
// once per request from X-Profile-Id; null for anonymous callers. A PIN-protected profile needs an unlock
// recorded for this login session (POST /profiles/:id/select), else 403 PIN_REQUIRED.
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { resolveViewer, type Viewer } from '../services/profiles/viewer.ts';

declare module 'fastify' {
  interface FastifyRequest {
    viewer(): Promise<Viewer | null>;
  }
}

const memo = Symbol('viewer');

export default fp(
  async (app) => {
    app.decorateRequest('viewer', function (this: FastifyRequest & { [memo]?: Promise<Viewer | null> }) {
      if (!this.auth) return Promise.resolve(null);
      const header = this.headers['x-profile-id'];
      this[memo] ??= resolveViewer(
        this.em,
        this.auth.userId,
        Array.isArray(header) ? header[0] : header,
        this.auth.sessionId,
      );
      return this[memo];
    });
  },
  { name: 'viewer', dependencies: ['db', 'auth'] },
);
