// The admin's title rows: lock a title for a change, create a local original, write its editable fields,
// soft delete it, and the admin listing (deleted titles too, newest change first).
import { type Selectable, sql, type Updateable } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { type DB, db } from './db.ts';
import { offsetOf, type Page, type Stamped, stamped, type TitleRow, toCount } from './titles.ts';

export type LockedTitle = Pick<Selectable<DB['titles']>, 'id' | 'kind' | 'source'>;

/** The editable columns of a title, as written. */
export type EditableColumns = Required<
  Pick<
    Updateable<DB['titles']>,
    | 'title'
    | 'original_title'
    | 'original_language'
    | 'overview'
    | 'release_date'
    | 'runtime'
    | 'genre_ids'
    | 'certification'
    | 'maturity_level'
    | 'popularity'
    | 'poster_path'
    | 'backdrop_path'
    | 'homepage'
  >
>;

const now = sql<Date>`now()`;

/**
 * Locks a live title row for the rest of the transaction. Every admin change to a title or its seasons
 * takes this lock first, so concurrent edits of one title queue and the counters they recompute stay right.
 */
export async function lockLiveTitle(em: Em, id: string): Promise<LockedTitle | undefined> {
  return db(em)
    .selectFrom('titles')
    .select(['id', 'kind', 'source'])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

/** A title row as stored, deleted or not. */
export async function findTitle(em: Em, id: string): Promise<Stamped<TitleRow> | undefined> {
  const row = await db(em).selectFrom('titles').selectAll().where('id', '=', id).executeTakeFirst();
  return row && stamped(row);
}

/** The editable columns as stored (maturity_level follows from certification). */
export async function editableFields(em: Em, id: string): Promise<Omit<EditableColumns, 'maturity_level'>> {
  return db(em)
    .selectFrom('titles')
    .select([
      'title',
      'original_title',
      'original_language',
      'overview',
      'release_date',
      'runtime',
      'genre_ids',
      'certification',
      'popularity',
      'poster_path',
      'backdrop_path',
      'homepage',
    ])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

export async function insertLocalTitle(em: Em, id: string, kind: TitleRow['kind'], title: string): Promise<void> {
  const counted = kind === 'series' ? 0 : null;
  await db(em)
    .insertInto('titles')
    .values({ id, kind, source: 'local', title, season_count: counted, episode_count: counted })
    .execute();
}

export async function writeEditable(em: Em, id: string, fields: EditableColumns): Promise<void> {
  await db(em)
    .updateTable('titles')
    .set({ ...fields, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Marks a child row's change on the title. */
export async function touchTitle(em: Em, id: string): Promise<void> {
  await db(em).updateTable('titles').set({ updated_at: now }).where('id', '=', id).execute();
}

/** Soft delete: the row stays (history, ratings and favourites point at it); genre pages lose it at once. */
export async function softDeleteTitle(em: Em, id: string): Promise<void> {
  const k = db(em);
  await k.updateTable('titles').set({ deleted_at: now, updated_at: now }).where('id', '=', id).execute();
  await k.deleteFrom('title_genres').where('title_id', '=', id).execute();
}

export interface AdminFilter extends Page {
  q?: string;
  kind?: TitleRow['kind'];
  source?: TitleRow['source'];
  includeDeleted: boolean;
}

export type SummaryRow = Stamped<
  Pick<
    TitleRow,
    | 'id'
    | 'kind'
    | 'source'
    | 'title'
    | 'release_date'
    | 'certification'
    | 'maturity_level'
    | 'popularity'
    | 'season_count'
    | 'episode_count'
    | 'created_at'
    | 'updated_at'
    | 'deleted_at'
  >
>;

/** Newest changes first; `q` matches part of the title (the trigram index on lower(title) serves it). */
export async function listTitles(em: Em, f: AdminFilter): Promise<{ rows: SummaryRow[]; total: number }> {
  let q = db(em).selectFrom('titles');
  if (!f.includeDeleted) q = q.where('deleted_at', 'is', null);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.source) q = q.where('source', '=', f.source);
  if (f.q) {
    const pattern = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`lower(title) like ${pattern} escape '\\'`);
  }
  const [count, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
    q
      .select([
        'id',
        'kind',
        'source',
        'title',
        'release_date',
        'certification',
        'maturity_level',
        'popularity',
        'season_count',
        'episode_count',
        'created_at',
        'updated_at',
        'deleted_at',
      ])
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .limit(f.limit)
      .offset(offsetOf(f))
      .execute(),
  ]);
  return { rows: rows.map(stamped), total: toCount(count) };
}
