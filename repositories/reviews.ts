// Reviews of titles: replaced per title by an import (TMDb details, the demo seed), read by the details.
import type { Insertable } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { type DB, db } from './db.ts';

export type ReviewValues = Insertable<DB['reviews']>;

/** Replaces the reviews of these titles with `rows` (titles without rows lose theirs). */
export async function replaceReviews(em: Em, titleIds: string[], rows: ReviewValues[]): Promise<void> {
  if (titleIds.length === 0) return;
  await db(em).deleteFrom('reviews').where('title_id', 'in', titleIds).execute();
  for (let i = 0; i < rows.length; i += 1000)
    await db(em)
      .insertInto('reviews')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
}

export interface ReviewRow {
  id: string;
  author: string;
  avatar_path: string | null;
  rating: number | null;
  content: string;
  created_at: Date | string;
}

/** The newest reviews of a title. */
export async function titleReviews(em: Em, titleId: string, limit = 10): Promise<ReviewRow[]> {
  return db(em)
    .selectFrom('reviews')
    .select(['id', 'author', 'avatar_path', 'rating', 'content', 'created_at'])
    .where('title_id', '=', titleId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}
