// /admin/content: admin-only listing, creation, replacement, patching and soft deletion of titles (movies and
// series, local originals or TMDb copies), and their media processing status (seeds 000/001/002).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { MessageResponse, bearer, errors, pagination } from '../../../schemas/common.ts';
import {
  AdminContentListResponse,
  AdminContentResponse,
  ContentCreateBody,
  ContentParams,
  ContentPatchBody,
  ContentPutBody,
  ListQuery,
} from '../../../schemas/admin-content.ts';
import { MediaProcessingStatusResponse, ProcessingStatusQuery } from '../../../schemas/media.ts';
import { processingStatus } from '../../../services/media/status.ts';
import { createContent, deleteContent, editContent } from '../../../services/catalog/admin-content.ts';
import { getContentView, listContent } from '../../../services/catalog/admin-view.ts';
import type { Actor } from '../../../services/deps.ts';
import seasonRoutes from './seasons.ts';
import { ingestUploadedVideo, multipartContent, readMultipartContent } from '../uploads/multipart.ts';

const adminActor = (request: FastifyRequest): Actor => ({
  userId: request.auth!.userId,
  sessionId: request.auth!.sessionId,
  ip: request.ip,
});

const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.requireRole('admin'));
  const tags = ['admin'];
  const security = bearer;
  // Autoload loads only index.ts in a folder that has one, so the nested routes are registered here,
  // as a child that inherits the admin hook above.
  await app.register(seasonRoutes);
  await app.register(multipartContent);

  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'List titles (admin)',
        description: 'Newest changes first; `include_deleted=true` also lists soft-deleted titles.',
        security,
        querystring: ListQuery,
        response: { 200: AdminContentListResponse, ...errors(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { items, total } = await listContent(request.em, request.query);
      return { success: true as const, data: { content: items, pagination: pagination(page, limit, total) } };
    },
  );

  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Create a local original',
        description:
          'Creates a movie or a series (optionally with seasons and episodes) with source `local` and an opaque ' +
          '`o…` id. `certification` sets the maturity level. ' +
          'Also accepts multipart/form-data (seed 001): `metadata` (this JSON body) and a movie’s `video_file`, ' +
          'which is then processed (see processing-status).',
        security,
        consumes: ['application/json', 'multipart/form-data'],
        body: ContentCreateBody,
        response: { 201: AdminContentResponse, ...errors(400, 401, 403, 409, 413, 429) },
      },
      preValidation: readMultipartContent,
    },
    async (request, reply) => {
      const content = await createContent(request.deps, adminActor(request), request.body);
      await ingestUploadedVideo(request, content.id);
      return reply.code(201).send({ success: true, message: 'Content created', data: { content } });
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Get a title (admin view)',
        description: 'Includes soft-deleted titles, with `deleted_at` set.',
        security,
        params: ContentParams,
        response: { 200: AdminContentResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      data: { content: await getContentView(request.em, request.params.id) },
    }),
  );

  app.put(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Replace the editable fields of a title',
        description:
          'Optional fields left out are cleared (cast and directors emptied, certification NR, popularity 0). The type cannot change.',
        security,
        params: ContentParams,
        body: ContentPutBody,
        response: { 200: AdminContentResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      message: 'Content updated',
      data: {
        content: await editContent(request.deps, adminActor(request), request.params.id, request.body, 'replace'),
      },
    }),
  );

  app.patch(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Change some fields of a title',
        description:
          'Only the fields sent change; `null` clears an optional field; `cast` / `directors` replace the whole list.',
        security,
        params: ContentParams,
        body: ContentPatchBody,
        response: { 200: AdminContentResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      message: 'Content updated',
      data: { content: await editContent(request.deps, adminActor(request), request.params.id, request.body, 'merge') },
    }),
  );

  app.delete(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Soft delete a title',
        description:
          'The title leaves every list and public route; viewing history and other rows keep pointing at it.',
        security,
        params: ContentParams,
        response: { 200: MessageResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      await deleteContent(request.deps, adminActor(request), request.params.id);
      return { success: true as const, message: 'Content deleted' };
    },
  );

  app.get(
    '/:id/processing-status',
    {
      schema: {
        tags,
        summary: 'Media processing status',
        description:
          "Upload, encoding, thumbnail and CDN stages of the newest video of the title (or of `episode_id`), progress from ffmpeg, and the failure reason. Titles without uploaded media report `no_media` with every stage pending. Also pushed to the uploading admin's WebSocket as `media.processing` messages.",
        security,
        params: ContentParams,
        querystring: ProcessingStatusQuery,
        response: { 200: MediaProcessingStatusResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await processingStatus(request.em, request.params.id, request.query.episode_id ?? null),
    }),
  );
};

export default routes;
