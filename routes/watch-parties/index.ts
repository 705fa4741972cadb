// /watch-parties: create one for a title or episode, join with the invite code, read it (members only) and
// end it (the host). The shared playback and the chat run on the WebSocket (services/watch-parties/rooms.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MessageResponse, bearer, errors } from '../../schemas/common.ts';
import {
  CodeParams,
  CreateBody,
  IdParams,
  JoinBody,
  JoinResponse,
  PartyResponse,
} from '../../schemas/watch-parties.ts';
import { pathViewer } from '../../services/profiles/viewer.ts';
import { closeParty, createParty, getParty, joinParty } from '../../services/watch-parties/parties.ts';

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  const tags = ['watch-parties'];
  const viewerOf = async (request: { body: { profile_id?: string } } & Parameters<typeof app.authenticate>[0]) =>
    request.body.profile_id
      ? pathViewer(request.em, request.auth!, request.body.profile_id)
      : (await request.viewer())!;

  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Create a watch party',
        description:
          'The host takes a playback session as POST /streaming/{content_id}/start would (402 SUBSCRIPTION_REQUIRED, 403 CONTENT_RESTRICTED ' +
          'above the profile’s maturity, 409 STREAM_LIMIT_REACHED) and gets the party with its invite code. Then open /api/v1/ws and send ' +
          '`party.join`; a party whose host has no socket in it for WATCH_PARTY_HOST_GRACE_MS ends.',
        security: bearer,
        body: CreateBody,
        response: { 201: JoinResponse, ...errors(400, 401, 402, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const data = await createParty(request.deps, app.media, await viewerOf(request), request.body, request.ip);
      return reply.code(201).send({ success: true, message: 'Watch party created', data });
    },
  );

  app.post(
    '/:code/join',
    {
      schema: {
        tags,
        summary: 'Join a watch party',
        description:
          'With the invite code. The member’s own profile must be allowed the title and their own plan must have a free stream (402, 403, 409 ' +
          'as for starting playback); 403 FORBIDDEN for a member the host removed; 409 CONFLICT when the party is full ' +
          '(WATCH_PARTY_MAX_MEMBERS); 404 for an unknown code or an ended party. Joining again replaces the member’s playback session.',
        security: bearer,
        params: CodeParams,
        body: JoinBody,
        response: { 200: JoinResponse, ...errors(400, 401, 402, 403, 404, 409, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await joinParty(
        request.deps,
        app.media,
        await viewerOf(request),
        request.params.code,
        request.body,
        request.ip,
      ),
    }),
  );

  app.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Read a watch party',
        description: 'Members only (404 for anyone else): the playback clock, the members and the latest chat.',
        security: bearer,
        params: IdParams,
        response: { 200: PartyResponse, ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await getParty(request.deps, request.auth!.userId, request.params.id),
    }),
  );

  app.delete(
    '/:id',
    {
      schema: {
        tags,
        summary: 'End a watch party',
        description:
          'The host only (403 for other members): every member gets `party.ended`, their stream slots are freed and the chat is deleted.',
        security: bearer,
        params: IdParams,
        response: { 200: MessageResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      await closeParty({ ...app.watchParties.deps(), em: request.em }, request.auth!.userId, request.params.id);
      return { success: true as const, message: 'Watch party ended' };
    },
  );
};

export default routes;
