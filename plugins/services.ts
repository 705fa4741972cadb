// Gives every request the dependency object services take (request.deps).
import fp from 'fastify-plugin';
import type { Deps } from '../services/deps.ts';

declare module 'fastify' {
  interface FastifyRequest {
    readonly deps: Deps;
  }
}

export default fp(
  async (app) => {
    app.decorateRequest('deps', {
      getter() {
        const request = this;
        // em stays lazy (plugins/db.ts): a cached answer never forks one.
        return {
          get em() {
            return request.em;
          },
          cache: app.cache,
          config: app.config,
          tokens: app.tokens,
          mailer: app.mailer,
          clock: app.clock,
          log: this.log,
        };
      },
    });
  },
  { name: 'services', dependencies: ['config', 'db', 'cache', 'auth', 'mailer'] },
);
