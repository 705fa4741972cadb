// /profiles (also served at /users/profiles, seed 001): viewer profiles of the account, PIN-protected
// switching, and (library.ts) each profile's watchlist, history, continue watching and next up.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MessageResponse, bearer, errors, optionalBody } from '../../schemas/common.ts';
import {
  ProfileCreateBody,
  ProfileParams,
  ProfileResponse,
  ProfileUpdateBody,
  ProfilesResponse,
  SelectBody,
} from '../../schemas/profiles.ts';
import {
  createProfile,
  deleteProfile,
  listProfiles,
  selectProfile,
  updateProfile,
} from '../../services/profiles/profiles.ts';
import library from './library.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  const tags = ['profiles'];
  const caller = (request: { auth: { userId: string; sessionId: string } | null }) => ({
    userId: request.auth!.userId,
    sessionId: request.auth!.sessionId,
  });

  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'List the viewer profiles',
        security: bearer,
        response: { 200: ProfilesResponse, ...errors(401, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      data: { profiles: await listProfiles(request.em, request.auth!.userId) },
    }),
  );

  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Create a viewer profile',
        description:
          'At most 5 per account (409 PROFILE_LIMIT_REACHED). `pin`: an optional 4-digit PIN, stored hashed. A ' +
          'kids profile defaults to TV-Y7 and sees only kids-rated titles.',
        security: bearer,
        body: ProfileCreateBody,
        response: { 201: ProfileResponse, ...errors(400, 401, 409, 429) },
      },
    },
    async (request, reply) => {
      const profile = await createProfile(request.deps, caller(request), request.body);
      return reply.code(201).send({ success: true, message: 'Profile created', data: { profile } });
    },
  );

  app.put(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Update a viewer profile',
        description:
          'Only the fields sent change. `pin: null` removes the PIN. A PIN-protected profile must be unlocked ' +
          'on this session first (403 PIN_REQUIRED); a new PIN ends the unlocks of other sessions.',
        security: bearer,
        params: ProfileParams,
        body: ProfileUpdateBody,
        response: { 200: ProfileResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      message: 'Profile updated',
      data: { profile: await updateProfile(request.deps, caller(request), request.params.id, request.body) },
    }),
  );

  app.delete(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Delete a viewer profile',
        description:
          'Deletes its library too. The last profile of an account cannot be deleted (409). A PIN-protected profile must be unlocked on this session first.',
        security: bearer,
        params: ProfileParams,
        response: { 200: MessageResponse, ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      await deleteProfile(request.deps, caller(request), request.params.id);
      return { success: true as const, message: 'Profile deleted' };
    },
  );

  app.post(
    '/:id/select',
    {
      schema: {
        tags,
        summary: 'Switch to a profile (enter its PIN)',
        description:
          'For a PIN-protected profile, checks `pin` and records the unlock on this login session for 12 hours (or until logout or a PIN change): ' +
          'from then on this session may act for the profile with `X-Profile-Id`. A wrong PIN is 403 INVALID_PIN; after 5 wrong PINs the profile ' +
          'is locked for 15 minutes (403 PROFILE_LOCKED). A profile without a PIN needs no body.',
        security: bearer,
        params: ProfileParams,
        body: SelectBody,
        response: { 200: ProfileResponse, ...errors(400, 401, 403, 404, 429) },
      },
      preValidation: optionalBody,
    },
    async (request) => ({
      success: true as const,
      message: 'Profile selected',
      data: { profile: await selectProfile(request.deps, caller(request), request.params.id, request.body?.pin) },
    }),
  );

  await app.register(library);
};

export default routes;
