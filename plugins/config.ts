// Exposes the validated configuration as fastify.config (parsed once in app.ts, before anything starts) and
// the app's clock as fastify.clock (the system's unless the builder gives one).
import fp from 'fastify-plugin';
import { type Clock, systemClock } from '../services/clock.ts';
import type { Config } from '../services/config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    clock: Clock;
  }
}

export default fp<{ config: Config; clock?: Clock }>(
  async (app, opts) => {
    app.decorate('config', opts.config);
    app.decorate('clock', opts.clock ?? systemClock);
  },
  { name: 'config' },
);
