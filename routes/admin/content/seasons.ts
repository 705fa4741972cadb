// /admin/content/:id/seasons…: admin-only creation, replacement, patching and soft deletion of the seasons
// and episodes of a series. Registered by index.ts, whose admin-role hook it inherits.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MessageResponse, bearer, errors } from '../../../schemas/common.ts';
import {
  AdminEpisodeResponse,
  AdminSeasonResponse,
  ContentParams,
  EpisodeCreateBody,
  EpisodeParams,
  EpisodePatchBody,
  EpisodePutBody,
  SeasonCreateBody,
  SeasonParams,
  SeasonPatchBody,
  SeasonPutBody,
} from '../../../schemas/admin-content.ts';
import {
  createEpisode,
  createSeason,
  deleteEpisode,
  deleteSeason,
  editEpisode,
  editSeason,
} from '../../../services/catalog/admin-seasons.ts';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../../services/deps.ts';

const adminActor = (request: FastifyRequest): Actor => ({
  userId: request.auth!.userId,
  sessionId: request.auth!.sessionId,
  ip: request.ip,
});

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['admin'];
  const security = bearer;
  const writeErrors = errors(400, 401, 403, 404, 409, 429);
  const seasonsOnly = 'Series only (a movie gets 400). ';

  app.post(
    '/:id/seasons',
    {
      schema: {
        tags,
        summary: 'Add a season',
        description: `${seasonsOnly}May carry its episodes. A season number already in use is a 409.`,
        security,
        params: ContentParams,
        body: SeasonCreateBody,
        response: { 201: AdminSeasonResponse, ...writeErrors },
      },
    },
    async (request, reply) => {
      const season = await createSeason(request.deps, adminActor(request), request.params.id, request.body);
      return reply.code(201).send({ success: true, message: 'Season created', data: { season } });
    },
  );

  app.put(
    '/:id/seasons/:season_number',
    {
      schema: {
        tags,
        summary: 'Replace a season',
        description: `${seasonsOnly}Optional fields left out are cleared; episodes are untouched.`,
        security,
        params: SeasonParams,
        body: SeasonPutBody,
        response: { 200: AdminSeasonResponse, ...writeErrors },
      },
    },
    async (request) => ({
      success: true as const,
      message: 'Season updated',
      data: {
        season: await editSeason(
          request.deps,
          adminActor(request),
          request.params.id,
          request.params.season_number,
          request.body,
          'replace',
        ),
      },
    }),
  );

  app.patch(
    '/:id/seasons/:season_number',
    {
      schema: {
        tags,
        summary: 'Change some fields of a season',
        description: seasonsOnly,
        security,
        params: SeasonParams,
        body: SeasonPatchBody,
        response: { 200: AdminSeasonResponse, ...writeErrors },
      },
    },
    async (request) => ({
      success: true as const,
      message: 'Season updated',
      data: {
        season: await editSeason(
          request.deps,
          adminActor(request),
          request.params.id,
          request.params.season_number,
          request.body,
          'merge',
        ),
      },
    }),
  );

  app.delete(
    '/:id/seasons/:season_number',
    {
      schema: {
        tags,
        summary: 'Soft delete a season',
        description: `${seasonsOnly}Its episodes go with it; the counts on the series follow.`,
        security,
        params: SeasonParams,
        response: { 200: MessageResponse, ...writeErrors },
      },
    },
    async (request) => {
      await deleteSeason(request.deps, adminActor(request), request.params.id, request.params.season_number);
      return { success: true as const, message: 'Season deleted' };
    },
  );

  app.post(
    '/:id/seasons/:season_number/episodes',
    {
      schema: {
        tags,
        summary: 'Add an episode',
        description: `${seasonsOnly}An episode number already in use in the season is a 409.`,
        security,
        params: SeasonParams,
        body: EpisodeCreateBody,
        response: { 201: AdminEpisodeResponse, ...writeErrors },
      },
    },
    async (request, reply) => {
      const episode = await createEpisode(
        request.deps,
        adminActor(request),
        request.params.id,
        request.params.season_number,
        request.body,
      );
      return reply.code(201).send({ success: true, message: 'Episode created', data: { episode } });
    },
  );

  app.put(
    '/:id/seasons/:season_number/episodes/:episode_number',
    {
      schema: {
        tags,
        summary: 'Replace an episode',
        description: `${seasonsOnly}Optional fields left out are cleared.`,
        security,
        params: EpisodeParams,
        body: EpisodePutBody,
        response: { 200: AdminEpisodeResponse, ...writeErrors },
      },
    },
    async (request) => {
      const { id, season_number, episode_number } = request.params;
      return {
        success: true as const,
        message: 'Episode updated',
        data: {
          episode: await editEpisode(
            request.deps,
            adminActor(request),
            id,
            season_number,
            episode_number,
            request.body,
            'replace',
          ),
        },
      };
    },
  );

  app.patch(
    '/:id/seasons/:season_number/episodes/:episode_number',
    {
      schema: {
        tags,
        summary: 'Change some fields of an episode',
        description: seasonsOnly,
        security,
        params: EpisodeParams,
        body: EpisodePatchBody,
        response: { 200: AdminEpisodeResponse, ...writeErrors },
      },
    },
    async (request) => {
      const { id, season_number, episode_number } = request.params;
      return {
        success: true as const,
        message: 'Episode updated',
        data: {
          episode: await editEpisode(
            request.deps,
            adminActor(request),
            id,
            season_number,
            episode_number,
            request.body,
            'merge',
          ),
        },
      };
    },
  );

  app.delete(
    '/:id/seasons/:season_number/episodes/:episode_number',
    {
      schema: {
        tags,
        summary: 'Soft delete an episode',
        description: seasonsOnly,
        security,
        params: EpisodeParams,
        response: { 200: MessageResponse, ...writeErrors },
      },
    },
    async (request) => {
      const { id, season_number, episode_number } = request.params;
      await deleteEpisode(request.deps, adminActor(request), id, season_number, episode_number);
      return { success: true as const, message: 'Episode deleted' };
    },
  );
};

export default routes;
