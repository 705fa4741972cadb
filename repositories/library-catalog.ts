// The catalog reads the library needs (a title or episode by id, card rows, the visibility rule), written
// against the few titles/episodes columns it uses. When repositories/titles.ts and the catalog entities land,
// `catalogDb` becomes `db` and `visibleTitle` becomes the catalog's `visibleTitles`.
import { type ExpressionBuilder, sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { type DB, db } from './db.ts';

/** The titles and episodes columns read here (types as the migrations declare them). */
type CatalogTables = {
  titles: {
    id: string;
    kind: 'movie' | 'series';
    title: string;
    overview: string | null;
    release_date: string | null;
    runtime: number | null;
    genre_ids: number[];
    vote_average: number;
    certification: string;
    maturity_level: number;
    poster_path: string | null;
    backdrop_path: string | null;
    season_count: number | null;
    episode_count: number | null;
    deleted_at: Date | null;
  };
  episodes: {
    id: string;
    title_id: string;
    season_number: number;
    episode_number: number;
    name: string;
    runtime: number | null;
    still_path: string | null;
    deleted_at: Date | null;
  };
};

export const catalogDb = (em: Em) => db(em).withTables<CatalogTables>();
/** The query builder's tables here: the entities' and the catalog columns above. */
export type LibraryDB = DB & CatalogTables;

/** The visibility rule: live (not deleted) and at or under the viewer's maturity ceiling. */
export const visibleTitle = (maxLevel: number) => (eb: ExpressionBuilder<LibraryDB, 'titles'>) =>
  eb.and([eb('titles.deleted_at', 'is', null), eb('titles.maturity_level', '<=', maxLevel)]);

/** The columns a card is built from (services/catalog/cards.ts CardRow), for visible titles among `ids`. */
export async function visibleCardRows(em: Em, ids: string[], maxLevel: number) {
  if (ids.length === 0) return [];
  return catalogDb(em)
    .selectFrom('titles')
    .select([
      'titles.id',
      'titles.kind',
      'titles.title',
      'titles.overview',
      // A date column: the card shows YYYY-MM-DD whatever the driver's date parsing.
      sql<string | null>`to_char(titles.release_date, 'YYYY-MM-DD')`.as('release_date'),
      'titles.runtime',
      'titles.genre_ids',
      'titles.vote_average',
      'titles.certification',
      'titles.poster_path',
      'titles.backdrop_path',
      'titles.season_count',
      'titles.episode_count',
    ])
    .where('titles.id', 'in', ids)
    .where(visibleTitle(maxLevel))
    .execute();
}
