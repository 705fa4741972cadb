// Titles as the GraphQL Title type sees them: cards from every list, and details from title(id), which
// already carry their seasons, episodes and cast. The loaders read the parts of all the titles of a
// response at once (one query per part), so a 50-title page with seasons and cast costs three queries.
import type { MercuriusLoaders } from 'mercurius';
import type { Card } from '../../services/catalog/cards.ts';
import type { CastMember, Details, Episode, Season } from '../../services/catalog/details.ts';
import type { Served } from '../../services/catalog/lists.ts';
import { creditsOfTitles, episodesOfTitles, seasonsOfTitles } from '../../services/catalog/title-parts.ts';
import { similarTitles } from '../../services/recommendations/views.ts';
import type { Gql, GqlContext } from './context.ts';

export type TitleObj = Card & { details?: Details };
type SeasonObj = Season & { title_id?: string };

/** The data of a service answer, whether it is the shared serialized body or the viewer's own copy. */
export const dataOf = <T>(served: Served<T>): T =>
  'json' in served ? (JSON.parse(served.json.toString()) as { data: T }).data : served.data;

export const fromDetails = (d: Details): TitleObj => ({
  id: d.id,
  title: d.title,
  poster: d.poster_url,
  backdrop: d.backdrop_url,
  synopsis: d.synopsis,
  release_date: d.release_date,
  duration: d.runtime,
  genres: d.genres,
  rating: d.rating,
  is_series: d.is_series,
  certification: d.certification,
  is_favorite: d.is_favorite,
  in_watchlist: d.in_watchlist,
  user_rating: d.user_rating,
  resume_position: d.resume_position,
  details: d,
});

/**
 * Reads `read(ids)` once for the ids not asked for yet in this request, and shares the answer: the cast and
 * directors loaders (or a title reached twice) do not read the same credits again.
 */
function memoized<V>(gql: Gql, part: string, ids: string[], read: (ids: string[]) => Promise<Map<string, V>>) {
  const fresh = [...new Set(ids)].filter((id) => !gql.memo.has(`${part}:${id}`));
  if (fresh.length > 0) {
    const batch = read(fresh);
    for (const id of fresh)
      gql.memo.set(
        `${part}:${id}`,
        batch.then((m) => m.get(id)),
      );
  }
  return Promise.all(ids.map((id) => gql.memo.get(`${part}:${id}`) as Promise<V | undefined>));
}

type Query<T, P = Record<string, never>> = { obj: T; params: P };

const credits = (gql: Gql, titles: TitleObj[]) =>
  memoized(
    gql,
    'credits',
    titles.map((t) => t.id),
    (ids) => creditsOfTitles(gql.em, ids),
  );

export const titleLoaders: MercuriusLoaders<GqlContext> = {
  Title: {
    async seasons(queries: Query<TitleObj>[], { gql }) {
      const series = queries.filter((q) => q.obj.is_series && !q.obj.details).map((q) => q.obj.id);
      const loaded = series.length > 0 ? await seasonsOfTitles(gql.em, series) : new Map();
      return queries.map((q) => (q.obj.details ? q.obj.details.seasons : (loaded.get(q.obj.id) ?? [])));
    },
    async cast(queries: Query<TitleObj, { limit: number }>[], { gql }) {
      const found = await credits(
        gql,
        queries.filter((q) => !q.obj.details).map((q) => q.obj),
      );
      let i = 0;
      return queries.map((q) => {
        const cast: CastMember[] = q.obj.details ? q.obj.details.cast : (found[i++]?.cast ?? []);
        return cast.slice(0, Math.max(0, q.params.limit));
      });
    },
    async directors(queries: Query<TitleObj>[], { gql }) {
      const found = await credits(
        gql,
        queries.filter((q) => !q.obj.details).map((q) => q.obj),
      );
      let i = 0;
      return queries.map((q) => (q.obj.details ? q.obj.details.directors : (found[i++]?.directors ?? [])));
    },
    // The service reads each title's neighbours on its own; the cost rules count it per title.
    async similar(queries: Query<TitleObj, { limit: number }>[], { gql }) {
      const viewer = await gql.requireViewer();
      return Promise.all(
        queries.map(async (q) => {
          const { content } = await similarTitles(
            gql.deps,
            viewer,
            q.obj.id,
            Math.min(50, Math.max(1, q.params.limit)),
          );
          return content.map((c) => ({ confidence_score: c.confidence_score, title: c }));
        }),
      );
    },
  },
  Season: {
    async episodes(queries: Query<SeasonObj>[], { gql }) {
      const ids = queries.flatMap((q) => (q.obj.title_id ? [q.obj.title_id] : []));
      const loaded = ids.length > 0 ? await episodesOfTitles(gql.em, ids) : new Map<string, Episode[]>();
      return queries.map((q) =>
        q.obj.title_id ? (loaded.get(`${q.obj.title_id}:${q.obj.season_number}`) ?? []) : q.obj.episodes,
      );
    },
  },
};

/** Field resolvers of Title, Season and Episode that rename or derive a field. */
export const titleResolvers = {
  Title: {
    type: (t: TitleObj) => (t.is_series ? 'series' : 'movie'),
    release_year: (t: TitleObj) => (t.release_date ? Number(t.release_date.slice(0, 4)) : null),
  },
  Season: { poster: (s: SeasonObj) => s.poster_path },
  Episode: { still: (e: Episode) => e.still_path },
};
