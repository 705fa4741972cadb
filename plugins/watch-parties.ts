// Watch parties on the WebSocket: the `party.` messages of /api/v1/ws go to this instance's rooms, which
// share each party's events with the other instances through the realtime hub (Redis when configured).
import fp from 'fastify-plugin';
import { createRooms, type Rooms } from '../services/watch-parties/rooms.ts';
import type { PartyDeps } from '../services/watch-parties/context.ts';

declare module 'fastify' {
  interface FastifyInstance {
    watchParties: Rooms & { deps(): PartyDeps };
  }
}

export default fp(
  async (app) => {
    const deps = (): PartyDeps => ({
      em: app.em(),
      cache: app.cache,
      config: app.config,
      clock: app.clock,
      hub: app.realtime,
    });
    const rooms = createRooms({ deps, hub: app.realtime, log: app.log });
    app.realtime.gateway.use('party.', rooms.extension);
    app.decorate('watchParties', Object.assign(rooms, { deps }));
    // Runs after the gateway's preClose closed the sockets: their departures are written before the database closes.
    app.addHook('preClose', async () => rooms.close());
  },
  { name: 'watch-parties', dependencies: ['config', 'db', 'cache', 'realtime'] },
);
