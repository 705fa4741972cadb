// Exposes the validated configuration as fastify.config (parsed once in app.ts, before anything starts).
import fp from 'fastify-plugin';
import type { Config } from '../services/config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

export default fp<{ config: Config }>(
  async (app, opts) => {
    app.decorate('config', opts.config);
  },
  { name: 'config' },
);
