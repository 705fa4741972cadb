// A profile's own lists, under /profiles/:id (and /users/profiles/:id): watchlist, history, continue
// watching and next up. The profile must be the caller's (else 404) and, if PIN-protected, unlocked.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { bearer, errors, pagination } from '../../schemas/common.ts';
import {
  ContinueResponse,
  HistoryCleared,
  HistoryRemoved,
  HistoryResponse,
  NextUpResponse,
  PageOnly,
  ProfileContentParams,
  ProfileParams,
  WatchlistBody,
  WatchlistChange,
  WatchlistResponse,
} from '../../schemas/library.ts';
import { pathViewer } from '../../services/profiles/viewer.ts';
import { addToCollection, listCollection, removeFromCollection } from '../../services/library/collections.ts';
import {
  clearHistory,
  continueWatching,
  listHistory,
  nextUp,
  removeFromHistory,
} from '../../services/library/history.ts';

const viewerOf = (request: FastifyRequest<{ Params: { id: string } }>) =>
  pathViewer(request.em, request.auth!, request.params.id);

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['library'];
  const security = bearer;

  app.get(
    '/:id/watchlist',
    {
      schema: {
        tags,
        summary: 'The profile’s watchlist (My List)',
        description: 'Newest first.',
        security,
        params: ProfileParams,
        querystring: PageOnly,
        response: { 200: WatchlistResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { items, total } = await listCollection(request.em, await viewerOf(request), 'watchlist', { page, limit });
      return { success: true as const, data: { content: items, pagination: pagination(page, limit, total) } };
    },
  );

  app.post(
    '/:id/watchlist',
    {
      schema: {
        tags,
        summary: 'Add a title to the watchlist',
        description:
          'Idempotent: 201 when added, 200 when it was already there (one row either way). 404 unknown title; ' +
          '403 CONTENT_RESTRICTED above the profile’s maturity.',
        security,
        params: ProfileParams,
        body: WatchlistBody,
        response: { 200: WatchlistChange, 201: WatchlistChange, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const result = await addToCollection(request.em, await viewerOf(request), 'watchlist', request.body.content_id);
      return reply.code(result.created ? 201 : 200).send({
        success: true,
        message: result.created ? 'Added to watchlist' : 'Already in watchlist',
        data: { content_id: result.title_id, changed: result.created },
      });
    },
  );

  app.delete(
    '/:id/watchlist/:content_id',
    {
      schema: {
        tags,
        summary: 'Remove a title from the watchlist',
        description: 'Idempotent: 200 whether or not it was there (`changed` tells).',
        security,
        params: ProfileContentParams,
        response: { 200: WatchlistChange, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const result = await removeFromCollection(
        request.em,
        await viewerOf(request),
        'watchlist',
        request.params.content_id,
      );
      return {
        success: true as const,
        message: 'Removed from watchlist',
        data: { content_id: result.title_id, changed: result.removed },
      };
    },
  );

  app.get(
    '/:id/history',
    {
      schema: {
        tags,
        summary: 'Viewing history',
        description: 'One entry per title, most recently watched first, with the last episode and position.',
        security,
        params: ProfileParams,
        querystring: PageOnly,
        response: { 200: HistoryResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { items, total } = await listHistory(request.em, await viewerOf(request), { page, limit });
      return { success: true as const, data: { history: items, pagination: pagination(page, limit, total) } };
    },
  );

  app.delete(
    '/:id/history/:content_id',
    {
      schema: {
        tags,
        summary: 'Remove a title from the history',
        description: 'Also forgets its playback progress, so it leaves continue watching and next up. Idempotent.',
        security,
        params: ProfileContentParams,
        response: { 200: HistoryRemoved, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const result = await removeFromHistory(request.em, await viewerOf(request), request.params.content_id);
      return {
        success: true as const,
        message: 'Removed from history',
        data: { content_id: result.title_id, changed: result.removed },
      };
    },
  );

  app.delete(
    '/:id/history',
    {
      schema: {
        tags,
        summary: 'Clear the whole history',
        description: 'Also forgets all playback progress of the profile.',
        security,
        params: ProfileParams,
        response: { 200: HistoryCleared, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const result = await clearHistory(request.em, await viewerOf(request));
      return { success: true as const, message: 'History cleared', data: result };
    },
  );

  app.get(
    '/:id/continue-watching',
    {
      schema: {
        tags,
        summary: 'Continue watching',
        description:
          'Titles whose latest movie or episode has a resume point (5–90 % in, at least 5 minutes long), most recent first, with the position to resume at.',
        security,
        params: ProfileParams,
        querystring: PageOnly,
        response: { 200: ContinueResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { items, total } = await continueWatching(request.em, await viewerOf(request), { page, limit });
      return { success: true as const, data: { content: items, pagination: pagination(page, limit, total) } };
    },
  );

  app.get(
    '/:id/next-up',
    {
      schema: {
        tags,
        summary: 'Next up (series)',
        description:
          'For each series whose latest episode has no resume point: the next episode after a watched one (across seasons; specials skipped), ' +
          'or the same episode when it was barely started. A series finished on its final episode leaves the ' +
          'list; re-watching an earlier episode brings it back.',
        security,
        params: ProfileParams,
        querystring: PageOnly,
        response: { 200: NextUpResponse, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { items, total } = await nextUp(request.em, await viewerOf(request), { page, limit });
      return { success: true as const, data: { content: items, pagination: pagination(page, limit, total) } };
    },
  );
};

export default routes;
