// Mutation resolvers: the library, ratings, progress, notification read state and viewer profiles, each
// through the service its REST route calls, with the REST body schema checking the arguments.
import { Type } from '@sinclair/typebox';
import { ContentId, Uuid } from '../../schemas/common.ts';
import { ProgressBody, RatingCreateBody } from '../../schemas/library.ts';
import { MarkReadBody } from '../../schemas/notifications.ts';
import { ProfileCreateBody, ProfileUpdateBody } from '../../schemas/profiles.ts';
import { checkArgs } from '../../services/graphql/input.ts';
import { addToCollection, type Collection, removeFromCollection } from '../../services/library/collections.ts';
import { recordProgress } from '../../services/library/progress.ts';
import { rate } from '../../services/library/ratings.ts';
import { markRead } from '../../services/notifications/store.ts';
import { createProfile, updateProfile } from '../../services/profiles/profiles.ts';
import type { Gql, GqlContext } from './context.ts';

type Args = Record<string, unknown> & { profileId?: string | null };
type Ctx = GqlContext;

const ContentArgs = Type.Object({ content_id: ContentId });
const IdArgs = Type.Object({ id: Uuid });

async function add(gql: Gql, which: Collection, args: Args) {
  const { content_id } = checkArgs(ContentArgs, { content_id: args.contentId });
  const result = await addToCollection(gql.em, await gql.requireViewer(args.profileId), which, content_id);
  return { content_id: result.title_id, changed: result.created };
}

async function remove(gql: Gql, which: Collection, args: Args) {
  const { content_id } = checkArgs(ContentArgs, { content_id: args.contentId });
  const result = await removeFromCollection(gql.em, await gql.requireViewer(args.profileId), which, content_id);
  return { content_id: result.title_id, changed: result.removed };
}

const caller = (gql: Gql) => {
  const auth = gql.requireAuth();
  return { userId: auth.userId, sessionId: auth.sessionId };
};

export const mutationResolvers = {
  Mutation: {
    addFavourite: (_root: unknown, args: Args, { gql }: Ctx) => add(gql, 'favourites', args),
    removeFavourite: (_root: unknown, args: Args, { gql }: Ctx) => remove(gql, 'favourites', args),
    addToWatchlist: (_root: unknown, args: Args, { gql }: Ctx) => add(gql, 'watchlist', args),
    removeFromWatchlist: (_root: unknown, args: Args, { gql }: Ctx) => remove(gql, 'watchlist', args),

    async rate(_root: unknown, args: Args, { gql }: Ctx) {
      const body = checkArgs(RatingCreateBody, { movie_id: args.contentId, rating: args.rating });
      const viewer = await gql.requireViewer(args.profileId);
      return (await rate({ em: gql.em, cache: gql.deps.cache }, viewer, body.movie_id, body.rating)).rating;
    },

    async recordProgress(_root: unknown, args: Args, { gql }: Ctx) {
      const { content_id } = checkArgs(ContentArgs, { content_id: args.contentId });
      const input = checkArgs(ProgressBody, { ...(args.input as Record<string, unknown>) });
      return recordProgress(gql.em, await gql.requireViewer(args.profileId), content_id, input);
    },

    async markNotificationsRead(_root: unknown, args: Args, { gql }: Ctx) {
      const { userId } = gql.requireAuth();
      const ids = args.ids ? checkArgs(MarkReadBody, { notification_id: args.ids }).notification_id : undefined;
      const { updated, unread_count } = await markRead(
        { em: gql.em, realtime: gql.app.realtime, log: gql.request.log },
        userId,
        ids,
      );
      return { updated, unread_count };
    },

    async createProfile(_root: unknown, args: Args, { gql }: Ctx) {
      const who = caller(gql);
      const input = checkArgs(ProfileCreateBody, { ...(args.input as Record<string, unknown>) });
      return createProfile(gql.deps, who, input);
    },

    async updateProfile(_root: unknown, args: Args, { gql }: Ctx) {
      const who = caller(gql);
      const { id } = checkArgs(IdArgs, { id: args.id });
      // An explicit null clears a field (avatar_url) as in REST; a left-out one stays as it is.
      const input = checkArgs(ProfileUpdateBody, { ...(args.input as Record<string, unknown>) }, true);
      return updateProfile(gql.deps, who, id, input);
    },
  },
};
