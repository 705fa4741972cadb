// /users: seed 001's /users/profiles (the very same handlers as /profiles) and seed 004's
// POST /users/register/ (the sign-up handler of /auth/signup).
import type { FastifyPluginAsync } from 'fastify';
import profiles from '../profiles/index.ts';
import { registerAlias } from '../auth/index.ts';

const routes: FastifyPluginAsync = async (app) => {
  await app.register(profiles, { prefix: '/profiles' });
  await app.register(registerAlias);
};

export default routes;
