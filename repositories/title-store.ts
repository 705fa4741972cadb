// Bulk writes of imported titles (the demo seed, the TMDb read-through, catalog:sync): titles upserted a
// batch a statement, their title_genres rows rebuilt from the stored rows, and their search vectors.
import { type Insertable, sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { type DB, db } from './db.ts';

export type TitleValues = Omit<Insertable<DB['titles']>, 'created_at' | 'updated_at' | 'deleted_at' | 'search_vector'>;

/**
 * Inserts or updates a batch of titles. A list entry (details_synced_at null) refreshes the list facts
 * only; a full record may also overwrite certification, runtime, network and counts. Empty overviews and
 * missing images never erase stored ones.
 */
export async function upsertTitleRows(em: Em, rows: TitleValues[]): Promise<void> {
  if (rows.length === 0) return;
  await db(em)
    .insertInto('titles')
    .values(rows)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => {
        const full = <C extends keyof DB['titles'] & string>(c: C) =>
          eb
            .case()
            .when('excluded.details_synced_at', 'is', null)
            .then(eb.ref(`titles.${c}`))
            .else(eb.ref(`excluded.${c}`))
            .end();
        return {
          title: eb.ref('excluded.title'),
          original_title: eb.ref('excluded.original_title'),
          original_language: eb.ref('excluded.original_language'),
          overview: eb.fn.coalesce(
            eb.fn<string | null>('nullif', [eb.ref('excluded.overview'), sql.lit('')]),
            eb.ref('titles.overview'),
          ),
          release_date: eb.ref('excluded.release_date'),
          genre_ids: eb.ref('excluded.genre_ids'),
          poster_path: eb.fn.coalesce(eb.ref('excluded.poster_path'), eb.ref('titles.poster_path')),
          backdrop_path: eb.fn.coalesce(eb.ref('excluded.backdrop_path'), eb.ref('titles.backdrop_path')),
          popularity: eb.ref('excluded.popularity'),
          vote_average: eb.ref('excluded.vote_average'),
          vote_count: eb.ref('excluded.vote_count'),
          updated_at: sql<Date>`now()`,
          runtime: full('runtime'),
          certification: full('certification'),
          maturity_level: full('maturity_level'),
          homepage: full('homepage'),
          network: full('network'),
          network_logo_path: full('network_logo_path'),
          season_count: full('season_count'),
          episode_count: full('episode_count'),
          details_synced_at: eb.fn.coalesce(eb.ref('excluded.details_synced_at'), eb.ref('titles.details_synced_at')),
        };
      }),
    )
    .execute();
}

/** title_genres copies the sort keys from titles, so it is rebuilt from the stored rows of these titles. */
export async function rebuildTitleGenres(em: Em, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const k = db(em);
  await k.deleteFrom('title_genres').where('title_id', 'in', ids).execute();
  await k
    .insertInto('title_genres')
    .columns(['genre_id', 'title_id', 'popularity', 'maturity_level'])
    .expression(
      k
        .selectFrom(['titles as t', sql<{ g: number }>`unnest(t.genre_ids)`.as('g')])
        .select(['g.g', 't.id', 't.popularity', 't.maturity_level'])
        .where('t.id', 'in', ids),
    )
    .execute();
}

/** One title's title_genres rows, from the values just written (an admin edit). */
export async function replaceTitleGenres(
  em: Em,
  titleId: string,
  genreIds: number[],
  popularity: number,
  maturityLevel: number,
): Promise<void> {
  const k = db(em);
  await k.deleteFrom('title_genres').where('title_id', '=', titleId).execute();
  if (genreIds.length === 0) return;
  await k
    .insertInto('title_genres')
    .values(
      genreIds.map((genreId) => ({ genre_id: genreId, title_id: titleId, popularity, maturity_level: maturityLevel })),
    )
    .execute();
}

// titles.search_vector: title and original title (weight A), cast and directors (B), genre names (C), in
// the 'simple' configuration so names and non-English titles are indexed as written.
const PEOPLE = sql<string>`
  select string_agg(p.name, ' ') from credits c join people p on p.id = c.person_id where c.title_id = t.id`;
const VECTOR = sql<string>`
  setweight(to_tsvector('simple', coalesce(t.title, '') || ' ' || coalesce(t.original_title, '')), 'A') ||
  setweight(to_tsvector('simple', coalesce((${PEOPLE}), '')), 'B') ||
  setweight(to_tsvector('simple', coalesce((select string_agg(g.name, ' ') from genres g where g.id = any(t.genre_ids::text[])), '')), 'C')`;

/** Rebuilds the search vectors of the given titles (all titles when ids is undefined). */
export async function refreshSearchVectors(em: Em, ids?: string[]): Promise<void> {
  const update = () => db(em).updateTable('titles as t').set({ search_vector: VECTOR });
  if (!ids) {
    await update().execute();
    return;
  }
  for (let i = 0; i < ids.length; i += 1000)
    await update()
      .where('t.id', 'in', ids.slice(i, i + 1000))
      .execute();
}

/** Serialises first-start seeding across processes until the transaction ends. */
export async function lockCatalogSeed(em: Em): Promise<void> {
  await sql`select pg_advisory_xact_lock(727001)`.execute(db(em));
}

/** The title became available at `at` (its first playable video): new releases list it from this moment. */
export async function markAvailable(em: Em, titleId: string, at: Date): Promise<void> {
  await db(em).updateTable('titles').set({ available_at: at }).where('id', '=', titleId).execute();
}
