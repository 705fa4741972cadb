// Catalog search in the database: candidates from full-text over titles.search_vector (word prefixes) and
// trigram word similarity on lower(title), then only the candidates scored and ranked. The match operators
// and ranking functions are Postgres-only, so they are `sql` fragments inside typed queries.
import { sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { db } from './db.ts';
import { CARD_FIELDS, type CardRow, toCount, visibleTitles } from './titles.ts';

export interface CandidateQuery {
  /** The normalised query (trimmed, single spaces, lower case). */
  raw: string;
  /** The prefix tsquery of its words, or null when it has none. */
  tsq: string | null;
  /** Whether the trigram branch (typo tolerance, the costlier index) joins. */
  trigram: boolean;
  level: number;
  kind?: 'movie' | 'series';
  /** Candidates per branch. */
  candidates: number;
  limit: number;
  offset: number;
}

export type ScoredRow = CardRow & { score: number };

/** Ranked candidates of the page, and how many candidates there are in all. */
export async function rankCandidates(em: Em, o: CandidateQuery): Promise<{ rows: ScoredRow[]; total: number }> {
  const visible = () => {
    const q = visibleTitles(em, o.level).select('t.id');
    return o.kind ? q.where('t.kind', '=', o.kind) : q;
  };
  // The exact title is always a candidate, however many more popular titles share its words.
  const branches = [visible().where(sql<boolean>`lower(t.title) = ${o.raw}`)];
  if (o.tsq)
    branches.push(
      visible()
        .where(sql<boolean>`t.search_vector @@ to_tsquery('simple', ${o.tsq})`)
        .orderBy('t.popularity', 'desc')
        .limit(sql.lit(o.candidates)),
    );
  if (o.trigram) branches.push(visible().where(sql<boolean>`${o.raw} <% lower(t.title)`).limit(sql.lit(o.candidates)));
  // Each branch keeps its own order and limit: ((a) union (b) union (c)).
  const union = sql<{ id: string }>`(${sql.join(branches, sql` union `)})`;
  // Scores: 1 for an exact title; else the better of the title's trigram closeness and the full-text rank
  // (title words weigh most, then cast and directors, then genres), both below 1.
  const rank = o.tsq ? sql`least(ts_rank(t.search_vector, to_tsquery('simple', ${o.tsq})), 1.0) * 0.9` : sql`0`;
  const rows = await db(em)
    .with('c', () => union)
    .selectFrom('c')
    .innerJoin('titles as t', 't.id', 'c.id')
    .select(CARD_FIELDS)
    .select(sql<string | number>`count(*) over ()`.as('total'))
    .select(
      sql<number>`case when lower(t.title) = ${o.raw} or lower(t.original_title) = ${o.raw} then 1.0
         else greatest(0.7 * word_similarity(${o.raw}, lower(t.title)) + 0.3 * similarity(${o.raw}, lower(t.title)), ${rank}) end`.as(
        'score',
      ),
    )
    .orderBy('score', 'desc')
    .orderBy('t.popularity', 'desc')
    .orderBy('t.id')
    .limit(o.limit)
    .offset(o.offset)
    .execute();
  const scored = rows.map(({ total: _, ...row }) => ({ ...row, score: Number(row.score) }));
  if (rows.length > 0 || o.offset === 0) return { rows: scored, total: Number(rows[0]?.total ?? 0) };
  // Past the last page: the window count is not there, so count the candidates alone.
  const { rows: n } = await sql<{ n: string | number }>`select count(*) as n from ${union} c`.execute(db(em));
  return { rows: scored, total: toCount(n[0]) };
}
