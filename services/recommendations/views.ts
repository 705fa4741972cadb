// What the recommendation routes return: the cached ids and scores rendered as title cards with this
// viewer's flags (one card query per response, through the library's card loader), and "similar" rows.
import type { Static } from '@sinclair/typebox';
import { genreStandIns, similarRows } from '../../repositories/recommendations.ts';
import type { RecommendationRowsResponse, RecommendedCard, SimilarResponse } from '../../schemas/recommendations.ts';
import type { Card } from '../catalog/cards.ts';
import { type Page, type PageInfo, pageInfo } from '../catalog/lists.ts';
import { cardsFor, requireTitle } from '../library/titles.ts';
import type { Viewer } from '../deps.ts';
import { profileRecommendations, type RecItem, type RecsDeps } from './profile.ts';

export type ScoredCard = Static<typeof RecommendedCard>;

const scored = (card: Card, confidence: number): ScoredCard => ({
  ...card,
  confidence_score: confidence,
  thumbnail_url: card.poster,
});

/** GET /movies/recommendations: a page of the profile's diversified list, as MOVIE_LIST cards. */
export async function recommendedMovies(
  deps: RecsDeps,
  viewer: Viewer,
  p: Page,
): Promise<{ movies: Card[]; pagination: PageInfo }> {
  const recs = await profileRecommendations(deps, viewer);
  const slice = recs.list.slice((p.page - 1) * p.limit, p.page * p.limit);
  const cards = await cardsFor(
    deps.em,
    viewer,
    slice.map((i) => i.id),
  );
  return { movies: slice.flatMap((i) => cards.get(i.id) ?? []), pagination: pageInfo(p, recs.list.length) };
}

export type RecommendationRows = Static<typeof RecommendationRowsResponse>['data'];
export type SimilarTitles = Static<typeof SimilarResponse>['data'];

/** GET /recommendations/:profile_id: seed 001's rows, each item a card with its confidence_score. */
export async function recommendationRows(deps: RecsDeps, viewer: Viewer): Promise<RecommendationRows> {
  const recs = await profileRecommendations(deps, viewer);
  const cards = await cardsFor(
    deps.em,
    viewer,
    recs.rows.flatMap((r) => r.items.map((i) => i.id)),
  );
  const render = (items: RecItem[]) =>
    items.flatMap((i) => {
      const card = cards.get(i.id);
      return card ? [scored(card, i.confidence)] : [];
    });
  return {
    recommendations: recs.rows
      .map((r) => ({ category: r.category, content: render(r.items) }))
      .filter((r) => r.content.length > 0),
    generated_at: recs.generated_at,
  };
}

/**
 * GET /recommendations/similar/:content_id: the title's stored neighbours this viewer may see. A title
 * added since the last rebuild has none yet: titles sharing its genres stand in, the popular ones first.
 */
export async function similarTitles(
  deps: RecsDeps,
  viewer: Viewer,
  rawId: string,
  limit: number,
): Promise<SimilarTitles> {
  const title = await requireTitle(deps.em, viewer, rawId);
  let rows = await similarRows(deps.em, title.id, viewer.maxLevel, limit);
  if (rows.length === 0) {
    rows = await genreStandIns(deps.em, title.id, viewer.maxLevel, limit);
  }
  const cards = await cardsFor(
    deps.em,
    viewer,
    rows.map((r) => r.id),
  );
  return {
    content_id: title.id,
    content: rows.flatMap((r) => {
      const card = cards.get(r.id);
      return card ? [scored(card, Math.round(Math.min(1, r.score) * 1000) / 1000)] : [];
    }),
  };
}
