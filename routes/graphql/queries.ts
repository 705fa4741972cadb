// Query resolvers: each one checks its arguments with the REST schema of the same input and calls the
// service the REST route calls, with the same viewer (so the same maturity ceiling and flags).
import { Type } from '@sinclair/typebox';
import { ContentId, pagination } from '../../schemas/common.ts';
import { BrowseQuery, ListQuery } from '../../schemas/content.ts';
import { PageOnly } from '../../schemas/library.ts';
import { NotificationsQuery } from '../../schemas/notifications.ts';
import { SearchMoviesQuery } from '../../schemas/movies.ts';
import { getProfile } from '../../services/auth/accounts.ts';
import { getCurrent } from '../../services/billing/subscriptions.ts';
import { browse, trending } from '../../services/catalog/lists.ts';
import { getDetails, searchMovieList } from '../../services/catalog/source.ts';
import { checkArgs } from '../../services/graphql/input.ts';
import { listCollection } from '../../services/library/collections.ts';
import { continueWatching, listHistory, nextUp } from '../../services/library/history.ts';
import { listNotifications } from '../../services/notifications/store.ts';
import { listProfiles } from '../../services/profiles/profiles.ts';
import type { Viewer } from '../../services/deps.ts';
import { recommendationRows } from '../../services/recommendations/views.ts';
import type { Gql, GqlContext } from './context.ts';
import { dataOf, fromDetails } from './titles.ts';

type Args = Record<string, unknown> & { profileId?: string | null };
type Ctx = GqlContext;

const IdArgs = Type.Object({ id: ContentId });
const HomeLimit = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 50 }) });

const collectionPage = async (gql: Gql, which: 'favourites' | 'watchlist', args: Args) => {
  const { page, limit } = checkArgs(PageOnly, { page: args.page, limit: args.limit });
  const { items, total } = await listCollection(gql.em, await gql.requireViewer(args.profileId), which, {
    page,
    limit,
  });
  return { content: items, pagination: pagination(page, limit, total) };
};

interface HomeObj {
  profile_id: string;
  viewer: Viewer;
}

const homeLimit = (args: { limit?: unknown }) => checkArgs(HomeLimit, { limit: args.limit }).limit;

export const queryResolvers = {
  Query: {
    me: (_root: unknown, _args: Args, { gql }: Ctx) => ({ userId: gql.requireAuth().userId }),

    async title(_root: unknown, args: Args, { gql }: Ctx) {
      const { id } = checkArgs(IdArgs, { id: args.id });
      const viewer = await gql.viewer(args.profileId);
      const served = await getDetails(gql.deps, gql.app.tmdb, viewer, id, 'movie');
      return fromDetails(dataOf(served).movie);
    },

    async browse(_root: unknown, args: Args, { gql }: Ctx) {
      const filter = (args.filter ?? {}) as Record<string, unknown>;
      const query = checkArgs(BrowseQuery, { ...filter, sort: args.sort, page: args.page, limit: args.limit });
      const viewer = await gql.viewer(args.profileId);
      const { content, pagination: p } = dataOf(await browse(gql.deps, viewer, query));
      return { content, pagination: p };
    },

    async search(_root: unknown, args: Args, { gql }: Ctx) {
      const query = checkArgs(SearchMoviesQuery, { q: args.q, page: args.page, limit: args.limit });
      // The same search budget as GET /movies/search: GraphQL is no way around it.
      await gql.app.rateLimits.spend(gql.request, null, 'search', 1);
      const viewer = await gql.viewer(args.profileId);
      const { movies, pagination: p } = dataOf(await searchMovieList(gql.deps, gql.app.tmdb, viewer, query.q, query));
      return { content: movies, pagination: p };
    },

    async home(_root: unknown, args: Args, { gql }: Ctx): Promise<HomeObj> {
      const viewer = await gql.requireViewer(args.profileId);
      return { profile_id: viewer.profileId, viewer };
    },

    favourites: (_root: unknown, args: Args, { gql }: Ctx) => collectionPage(gql, 'favourites', args),
    watchlist: (_root: unknown, args: Args, { gql }: Ctx) => collectionPage(gql, 'watchlist', args),

    async history(_root: unknown, args: Args, { gql }: Ctx) {
      const { page, limit } = checkArgs(PageOnly, { page: args.page, limit: args.limit });
      const { items, total } = await listHistory(gql.em, await gql.requireViewer(args.profileId), { page, limit });
      return {
        items: items.map((i) => ({ title: i, episode: i.episode, progress: i.progress, watched_at: i.watched_at })),
        pagination: pagination(page, limit, total),
      };
    },

    async notifications(_root: unknown, args: Args, { gql }: Ctx) {
      const options = checkArgs(NotificationsQuery, {
        page: args.page,
        limit: args.limit,
        unread_only: args.unread_only,
      });
      return listNotifications(gql.deps, gql.requireAuth().userId, options);
    },
  },

  Me: {
    account: ({ userId }: { userId: string }, _args: Args, { gql }: Ctx) => getProfile(gql.deps, userId),
    profiles: ({ userId }: { userId: string }, _args: Args, { gql }: Ctx) => listProfiles(gql.em, userId),
    subscription: async (me: { userId: string }, _args: Args, { gql }: Ctx) => (await current(gql, me)).subscription,
    entitlements: async (me: { userId: string }, _args: Args, { gql }: Ctx) => (await current(gql, me)).entitlements,
  },

  Home: {
    async continue_watching({ viewer }: HomeObj, args: { limit?: number }, { gql }: Ctx) {
      const { items } = await continueWatching(gql.em, viewer, { page: 1, limit: homeLimit(args) });
      return items.map((i) => ({ title: i, episode: i.episode, progress: i.progress, updated_at: i.updated_at }));
    },
    async next_up({ viewer }: HomeObj, args: { limit?: number }, { gql }: Ctx) {
      const { items } = await nextUp(gql.em, viewer, { page: 1, limit: homeLimit(args) });
      return items.map((i) => ({ title: i, episode: i.episode, progress: null, updated_at: i.last_watched_at }));
    },
    async recommendations({ viewer }: HomeObj, _args: Args, { gql }: Ctx) {
      const { recommendations } = await recommendationRows(gql.deps, viewer);
      return recommendations.map((row) => ({
        category: row.category,
        content: row.content.map((c) => ({ confidence_score: c.confidence_score, title: c })),
      }));
    },
    async trending({ viewer }: HomeObj, args: { limit?: number }, { gql }: Ctx) {
      const { page, limit } = checkArgs(ListQuery, { page: 1, limit: homeLimit(args) });
      return dataOf(await trending(gql.deps, viewer, { page, limit })).content;
    },
    async my_list({ viewer }: HomeObj, args: { limit?: number }, { gql }: Ctx) {
      const { items } = await listCollection(gql.em, viewer, 'watchlist', { page: 1, limit: homeLimit(args) });
      return items;
    },
  },
};

/** The subscription and the entitlements come from one service call, made once per request. */
function current(gql: Gql, me: { userId: string }) {
  const key = `billing:${me.userId}`;
  if (!gql.memo.has(key)) {
    gql.memo.set(
      key,
      getCurrent(
        { em: gql.em, config: gql.app.config, log: gql.request.log, billing: gql.app.billing.provider },
        me.userId,
      ),
    );
  }
  return gql.memo.get(key) as ReturnType<typeof getCurrent>;
}
