// /users/profiles: seed 001's spelling of /profiles, served by the very same handlers.
import type { FastifyPluginAsync } from 'fastify';
import profiles from '../profiles/index.ts';

const routes: FastifyPluginAsync = async (app) => {
  await app.register(profiles, { prefix: '/profiles' });
};

export default routes;
