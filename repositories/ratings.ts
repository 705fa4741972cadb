// Up/down ratings: one row per (profile, title), written by upsert; read with the rated title's name; and
// the per-title vote counts (index-only on ratings_title_idx).
import { sql } from 'kysely';
import type { VOTES } from '../entities/library/rating.ts';
import type { Em } from '../services/db/orm.ts';
import { db } from './db.ts';
import { toDate } from './db.ts';
import { catalogDb, visibleTitle } from './library-catalog.ts';
import { type Page, pageOffset } from './library.ts';

export type Vote = (typeof VOTES)[number];

export interface RatingRow {
  id: string;
  title_id: string;
  title: string;
  rating: Vote;
  created_at: Date;
  updated_at: Date;
}

const withTitle = (em: Em) =>
  catalogDb(em)
    .selectFrom('ratings')
    .innerJoin('titles', 'titles.id', 'ratings.title_id')
    .select([
      'ratings.id',
      'ratings.title_id',
      'titles.title',
      'ratings.rating',
      'ratings.created_at',
      'ratings.updated_at',
    ]);

const row = <R extends { created_at: Date; updated_at: Date }>(r: R): R => ({
  ...r,
  created_at: toDate(r.created_at),
  updated_at: toDate(r.updated_at),
});

/** Sets the profile's vote on the title; `created` tells an insert from an update of an existing rating. */
export async function upsertRating(
  em: Em,
  entry: { userId: string; profileId: string; titleId: string; rating: Vote },
): Promise<{ id: string; created: boolean }> {
  return (
    db(em)
      .insertInto('ratings')
      .values({
        id: crypto.randomUUID(),
        user_id: entry.userId,
        profile_id: entry.profileId,
        title_id: entry.titleId,
        rating: entry.rating,
      })
      .onConflict((oc) =>
        oc.columns(['profile_id', 'title_id']).doUpdateSet({
          rating: (eb) => eb.ref('excluded.rating'),
          // The same vote again keeps updated_at: nothing changed.
          updated_at: sql<Date>`case when ratings.rating = excluded.rating then ratings.updated_at else now() end`,
        }),
      )
      // xmax = 0 only on a freshly inserted row: how PostgreSQL tells an upsert's insert from its update.
      .returning(['id', sql<boolean>`(xmax = 0)`.as('created')])
      .executeTakeFirstOrThrow()
  );
}

/** A rating of this profile (any other id is undefined). */
export async function findRating(em: Em, profileId: string, id: string): Promise<RatingRow | undefined> {
  const r = await withTitle(em)
    .where('ratings.id', '=', id)
    .where('ratings.profile_id', '=', profileId)
    .executeTakeFirst();
  return r && row(r);
}

/** The profile's ratings of visible titles, most recently changed first. */
export async function listRatings(
  em: Em,
  profileId: string,
  maxLevel: number,
  page: Page,
): Promise<{ rows: RatingRow[]; total: number }> {
  const rows = await withTitle(em)
    .select((eb) => eb.fn.countAll<string>().over().as('total'))
    .where('ratings.profile_id', '=', profileId)
    .where(visibleTitle(maxLevel))
    .orderBy('ratings.updated_at', 'desc')
    .orderBy('ratings.id')
    .limit(page.limit)
    .offset(pageOffset(page))
    .execute();
  return { rows: rows.map(({ total: _, ...r }) => row(r)), total: rows[0] ? Number(rows[0].total) : 0 };
}

export async function setVote(em: Em, profileId: string, id: string, rating: Vote): Promise<void> {
  await db(em)
    .updateTable('ratings')
    .set({ rating, updated_at: sql<Date>`case when rating = ${rating} then updated_at else now() end` })
    .where('id', '=', id)
    .where('profile_id', '=', profileId)
    .execute();
}

/** False when the profile had no such rating. */
export async function deleteRating(em: Em, profileId: string, id: string): Promise<boolean> {
  const rows = await db(em)
    .deleteFrom('ratings')
    .where('id', '=', id)
    .where('profile_id', '=', profileId)
    .returning('id')
    .execute();
  return rows.length > 0;
}

export async function voteCounts(
  em: Em,
  titleIds: string[],
): Promise<Array<{ title_id: string; rating: Vote; n: number }>> {
  if (titleIds.length === 0) return [];
  const rows = await db(em)
    .selectFrom('ratings')
    .select((eb) => ['title_id', 'rating', eb.fn.countAll<string>().as('n')])
    .where('title_id', 'in', titleIds)
    .groupBy(['title_id', 'rating'])
    .execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}
