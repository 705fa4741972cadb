// /profile: the account's details and preferences, password change and login sessions (seed 003).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { MessageResponse, Uuid, bearer, errors } from '../../schemas/common.ts';
import {
  ChangePasswordBody,
  ChangePasswordResponse,
  ProfileResponse,
  ProfileUpdateBody,
  SessionsResponse,
} from '../../schemas/profile.ts';
import { changePassword, getProfile, updateProfile } from '../../services/auth/accounts.ts';
import { listSessions, revokeSession } from '../../services/auth/sessions.ts';
import notificationRoutes from './notifications.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  // Autoload loads only index.ts in a folder that has one, so sibling route files are registered here.
  await app.register(notificationRoutes);
  const tags = ['profile'];
  const actor = (request: { auth: { userId: string; sessionId: string } | null; ip: string }) => ({
    userId: request.auth!.userId,
    sessionId: request.auth!.sessionId,
    ip: request.ip,
  });

  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Get the account profile',
        security: bearer,
        response: { 200: ProfileResponse, ...errors(401, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      data: { user: await getProfile(request.deps, request.auth!.userId) },
    }),
  );

  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Update the account profile',
        description: 'Only the fields sent change; `genres` replaces the followed genres.',
        security: bearer,
        body: ProfileUpdateBody,
        response: { 200: ProfileResponse, ...errors(400, 401, 409, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      message: 'Profile updated successfully',
      data: { user: await updateProfile(request.deps, actor(request), request.body) },
    }),
  );

  app.post(
    '/change-password',
    {
      schema: {
        tags,
        summary: 'Change the password',
        description: 'Ends every other login session and returns a fresh access token for this one.',
        security: bearer,
        body: ChangePasswordBody,
        response: { 200: ChangePasswordResponse, ...errors(400, 401, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      message: 'Password changed successfully',
      data: await changePassword(request.deps, actor(request), request.body.old_password, request.body.new_password),
    }),
  );

  app.get(
    '/sessions',
    {
      schema: {
        tags,
        summary: 'List active login sessions',
        security: bearer,
        response: { 200: SessionsResponse, ...errors(401, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      data: { sessions: await listSessions(request.deps, request.auth!.userId, request.auth!.sessionId) },
    }),
  );

  app.delete(
    '/sessions/:id',
    {
      schema: {
        tags,
        summary: 'Sign a session out remotely',
        security: bearer,
        params: Type.Object({ id: Uuid }),
        response: { 200: MessageResponse, ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => {
      await revokeSession(request.deps, request.auth!.userId, request.params.id, request.ip);
      return { success: true as const, message: 'Session signed out' };
    },
  );
};

export default routes;
