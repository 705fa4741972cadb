// Catalog reads of titles: the shared fragments (the visibility rule, card columns, pagination, counts,
// timestamps), one title's details row and the small lookups other features need (lists: title-lists.ts).
import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { type DB, db, toDate } from './db.ts';

export type TitleRow = Selectable<DB['titles']>;
export type T = DB & { t: DB['titles'] };

/** The columns of a title card (table alias t). */
export const CARD_FIELDS = [
  't.id',
  't.kind',
  't.title',
  't.overview',
  't.release_date',
  't.runtime',
  't.genre_ids',
  't.vote_average',
  't.certification',
  't.poster_path',
  't.backdrop_path',
  't.season_count',
  't.episode_count',
] as const;

export type CardRow = Pick<
  TitleRow,
  | 'id'
  | 'kind'
  | 'title'
  | 'overview'
  | 'release_date'
  | 'runtime'
  | 'genre_ids'
  | 'vote_average'
  | 'certification'
  | 'poster_path'
  | 'backdrop_path'
  | 'season_count'
  | 'episode_count'
>;

export interface Page {
  page: number;
  limit: number;
}

/** The rows a page skips. */
export const offsetOf = (p: Page): number => (p.page - 1) * p.limit;

/** count(*) arrives as a string from pg (bigint) and a number from PGlite. */
export const toCount = (row: { n: string | number | bigint } | undefined): number => Number(row?.n ?? 0);

/** A timestamptz as ISO 8601 (the drivers return strings in different shapes). */
export function toIso(value: Date | string): string;
export function toIso(value: Date | string | null): string | null;
export function toIso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

const STAMPS = ['created_at', 'updated_at', 'deleted_at', 'details_synced_at'] as const;
type Stamp = (typeof STAMPS)[number];

/** A row with its timestamps as ISO 8601 strings. */
export type Stamped<R> = { [K in keyof R]: K extends Stamp ? (null extends R[K] ? string | null : string) : R[K] };

/** Converts the row's timestamps (whichever it has) once, here, so no caller parses driver output. */
export function stamped<R extends object>(row: R): Stamped<R> {
  const out = { ...row } as Record<string, unknown>;
  for (const key of STAMPS) if (key in out) out[key] = toIso(out[key] as string | null);
  return out as Stamped<R>;
}

/** Live titles a viewer of this maturity level may see: the one visibility rule of the catalog. */
export const isVisible = (level: number) => (eb: ExpressionBuilder<T, 't'>) =>
  eb.and([eb('t.deleted_at', 'is', null), eb('t.maturity_level', '<=', level)]);

/** titles as t, restricted to what the level may see. */
export const visibleTitles = (em: Em, level: number) => db(em).selectFrom('titles as t').where(isVisible(level));

/** Cards of the given ids the level may see (any order). */
export async function cardsByIds(em: Em, ids: string[], level: number): Promise<CardRow[]> {
  if (ids.length === 0) return [];
  return visibleTitles(em, level).select(CARD_FIELDS).where('t.id', 'in', ids).execute();
}

export type DetailsRow = CardRow &
  Pick<TitleRow, 'original_title' | 'original_language' | 'vote_count' | 'homepage' | 'network' | 'network_logo_path'>;

/** A live title's details columns (any maturity level: the caller decides what the viewer may see). */
export async function findDetailsRow(em: Em, id: string): Promise<DetailsRow | undefined> {
  return db(em)
    .selectFrom('titles as t')
    .select([
      ...CARD_FIELDS,
      't.original_title',
      't.original_language',
      't.vote_count',
      't.homepage',
      't.network',
      't.network_logo_path',
    ])
    .where('t.id', '=', id)
    .where('t.deleted_at', 'is', null)
    .executeTakeFirst();
}

/** Same-genre titles, most shared genres first, then popularity; never above the level. */
export async function sameGenreCards(em: Em, id: string, genreIds: number[], level: number): Promise<CardRow[]> {
  if (genreIds.length === 0) return [];
  const genres = sql<number[]>`${`{${genreIds.join(',')}}`}::int[]`;
  return visibleTitles(em, level)
    .select(CARD_FIELDS)
    .where('t.id', '<>', id)
    .where(sql<boolean>`t.genre_ids && ${genres}`)
    .orderBy(sql`cardinality(array(select unnest(t.genre_ids) intersect select unnest(${genres})))`, 'desc')
    .orderBy('t.popularity', 'desc')
    .orderBy('t.id')
    .limit(10)
    .execute();
}

/** Up/down ratings of a title. */
export async function voteCounts(em: Em, id: string): Promise<{ up: number; down: number }> {
  // ratings belongs to the library; its rows are counted here without its entity.
  const { rows } = await sql<{
    up: string | number;
    down: string | number;
  }>`select count(*) filter (where rating = 'up') as up,
      count(*) filter (where rating = 'down') as down from ratings where title_id = ${id}`.execute(db(em));
  return { up: Number(rows[0]?.up ?? 0), down: Number(rows[0]?.down ?? 0) };
}

/** When the title's full record was last read from TMDb (null: never, or the title is not there). */
export async function detailsSyncedAt(em: Em, id: string): Promise<Date | null> {
  const row = await db(em)
    .selectFrom('titles')
    .select('details_synced_at')
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row?.details_synced_at ? toDate(row.details_synced_at) : null;
}

/** Certifications of the given ids where a full record is stored. */
export async function syncedCertifications(em: Em, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db(em)
    .selectFrom('titles')
    .select(['id', 'certification'])
    .where('id', 'in', ids)
    .where('details_synced_at', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.id, r.certification]));
}

/** Ids of every title whose full record was read from TMDb. */
export async function syncedTitleIds(em: Em): Promise<string[]> {
  const rows = await db(em).selectFrom('titles').select('id').where('details_synced_at', 'is not', null).execute();
  return rows.map((r) => r.id);
}

export async function hasAnyTitle(em: Em): Promise<boolean> {
  return (await db(em).selectFrom('titles').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export type TitleRef = Pick<TitleRow, 'id' | 'kind' | 'maturity_level' | 'runtime'>;

/** A live title's kind, maturity level and runtime (minutes), or undefined: for playback and the library. */
export async function findLiveTitle(em: Em, id: string): Promise<TitleRef | undefined> {
  return db(em)
    .selectFrom('titles')
    .select(['id', 'kind', 'maturity_level', 'runtime'])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export const titleExists = async (em: Em, id: string): Promise<boolean> => (await findLiveTitle(em, id)) !== undefined;

/** Every genre (id, name), by name. */
export async function allGenres(em: Em): Promise<Array<{ id: string; name: string }>> {
  return db(em).selectFrom('genres').select(['id', 'name']).orderBy('name').execute();
}

/** Which of the ids exist in genres. */
export async function knownGenreIds(em: Em, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db(em).selectFrom('genres').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

/** The genres of a title (its genre_ids that exist in genres), in the title's order. */
export async function genresOf(em: Em, genreIds: number[]): Promise<Array<{ id: string; name: string }>> {
  if (genreIds.length === 0) return [];
  const rows = await db(em)
    .selectFrom('genres')
    .select(['id', 'name'])
    .where('id', 'in', genreIds.map(String))
    .execute();
  const byId = new Map(rows.map((g) => [g.id, g.name]));
  return genreIds.filter((g) => byId.has(String(g))).map((g) => ({ id: String(g), name: byId.get(String(g))! }));
}
