// The SQL of recommendations: the live catalog as the model sees it, one profile's signals and the
// neighbour rows of its items, every profile's interactions for the rebuild, and writing the results.
// Signal weights follow the model's scale (services/recommendations/model.ts): history = fraction watched
// (1 when completed), favourite 1, watchlist 0.5, up vote 1, down vote -1.
// titles, watch_history, user_favourites, watchlist and ratings have no entities in this domain: those
// statements are `sql` fragments typed with sql<T>; the recommender's own tables go through the builder.
import { type Selectable, sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { type DB, db, tdb } from './db.ts';

type Filter = ReturnType<typeof sql>;

const SIGNALS = (profileFilter: Filter) => sql`
  select profile_id, title_id, case when completed then 1 when duration > 0 then least(position / duration, 1) else 0 end::float8 as w,
         (extract(epoch from watched_at) * 1000)::float8 as at from watch_history where ${profileFilter}
  union all select profile_id, title_id, 1::float8, (extract(epoch from created_at) * 1000)::float8 from user_favourites where ${profileFilter}
  union all select profile_id, title_id, 0.5::float8, (extract(epoch from created_at) * 1000)::float8 from watchlist where ${profileFilter}
  union all select profile_id, title_id, case when rating = 'up' then 1 else -1 end::float8, (extract(epoch from updated_at) * 1000)::float8
    from ratings where ${profileFilter}`;

export interface CatalogRow {
  id: string;
  genre_ids: number[];
  maturity_level: number;
  popularity: number;
  profiles: number | null;
}

/** Live titles in id order (the dense index is the position), with the last rebuild's interaction counts. */
export async function loadCatalog(em: Em): Promise<CatalogRow[]> {
  const { rows } = await sql<CatalogRow>`select t.id, t.genre_ids, t.maturity_level, t.popularity, c.profiles
    from titles t left join title_interaction_counts c on c.title_id = t.id
    where t.deleted_at is null order by t.id`.execute(db(em));
  return rows;
}

export async function stateVersion(em: Em): Promise<number> {
  const row = await tdb(em).selectFrom('recs_state').select('version').where('id', '=', 1).executeTakeFirst();
  return row?.version ?? 0;
}

export interface SignalRow {
  title_id: string;
  w: number;
  at: number;
}

/** One profile's signals and its account's declared genres, in one round trip. */
export async function loadProfileSignals(
  em: Em,
  profileId: string,
  userId: string,
): Promise<{ signals: SignalRow[]; genres: number[] }> {
  const { rows } = await sql<SignalRow & { kind: string }>`select 's' as kind, title_id, w, at
    from (${SIGNALS(sql`profile_id = ${profileId}`)}) x
    union all select 'g', genre_id, 0, 0 from user_genres where user_id = ${userId}`.execute(db(em));
  const signals: SignalRow[] = [];
  const genres: number[] = [];
  for (const r of rows) {
    if (r.kind === 'g') {
      const g = Number(r.title_id);
      if (Number.isInteger(g)) genres.push(g);
    } else signals.push({ title_id: r.title_id, w: Number(r.w), at: Number(r.at) });
  }
  return { signals, genres };
}

/**
 * A short digest of everything the profile's recommendations depend on: count and latest change of
 * each signal table (counts catch removals, latest times catch additions and changed votes) and the
 * declared genres. Every part is an index-only probe on the profile's own rows.
 */
export async function signalFingerprint(em: Em, profileId: string, userId: string): Promise<string> {
  const part = (table: string, column: string) =>
    sql`(select count(*) || ':' || coalesce((extract(epoch from max(${sql.ref(column)})) * 1000)::bigint::text, '')
      from ${sql.table(table)} where profile_id = ${profileId})`;
  const { rows } = await sql<{ v: string }>`select concat_ws('|', ${part('watch_history', 'watched_at')},
      ${part('user_favourites', 'created_at')}, ${part('watchlist', 'created_at')}, ${part('ratings', 'updated_at')},
      (select string_agg(genre_id, ',' order by genre_id) from user_genres where user_id = ${userId})) as v`.execute(
    db(em),
  );
  return rows[0]?.v ?? '';
}

export type NeighbourRow = Selectable<DB['title_neighbours']>;

/**
 * The best `limit` stored neighbours of each given title, in one query: an index-only range scan of
 * (title_id, score desc) per title. Callers ask fewer for titles that weigh little (old history).
 */
export async function neighbourRows(
  em: Em,
  wanted: ReadonlyArray<{ titleId: string; limit: number }>,
): Promise<NeighbourRow[]> {
  if (wanted.length === 0) return [];
  const values = sql.join(wanted.map((w) => sql`(${w.titleId}, ${w.limit}::int)`));
  const { rows } = await sql<NeighbourRow>`select v.title_id, n.neighbour_id, n.score
    from (values ${values}) v (title_id, k)
    cross join lateral (select neighbour_id, score from title_neighbours where title_id = v.title_id
      order by score desc limit v.k) n`.execute(db(em));
  return rows;
}

export interface ScoredId {
  id: string;
  score: number;
}

/** Neighbours of one title that this viewer may see, best first. */
export async function similarRows(em: Em, titleId: string, maxLevel: number, limit: number): Promise<ScoredId[]> {
  const { rows } = await sql<ScoredId>`select n.neighbour_id as id, n.score from title_neighbours n
    join titles t on t.id = n.neighbour_id
    where n.title_id = ${titleId} and t.deleted_at is null and t.maturity_level <= ${maxLevel}
    order by n.score desc, n.neighbour_id limit ${limit}`.execute(db(em));
  return rows.map((r) => ({ id: r.id, score: Number(r.score) }));
}

/** Stand-ins for a title with no neighbours yet: visible titles sharing a genre, popular first, score 0.1. */
export async function genreStandIns(em: Em, titleId: string, maxLevel: number, limit: number): Promise<ScoredId[]> {
  const { rows } = await sql<ScoredId>`select t.id, 0.1::float8 as score from titles t, titles me
    where me.id = ${titleId} and t.id <> me.id and t.deleted_at is null and t.maturity_level <= ${maxLevel}
      and t.genre_ids && me.genre_ids
    order by t.popularity desc, t.id limit ${limit}`.execute(db(em));
  return rows.map((r) => ({ id: r.id, score: Number(r.score) }));
}

/** The names of the given titles ("Because you watched X"), by id. */
export async function titleNames(em: Em, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<{ id: string; title: string }>`select id, title from titles
    where id in (${sql.join(ids)})`.execute(db(em));
  return new Map(rows.map((r) => [r.id, r.title]));
}

/**
 * Every profile's signals, a batch of profiles at a time (keyset on the profile id), so the rebuild
 * never holds one giant result set. `onBatch` gets rows grouped by profile.
 */
export async function forEachProfileBatch(
  em: Em,
  batchSize: number,
  onBatch: (byProfile: Map<string, SignalRow[]>) => void,
): Promise<void> {
  const k = db(em);
  let cursor = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const ids = await k
      .selectFrom('viewer_profiles')
      .select('id')
      .where('id', '>', cursor)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (ids.length === 0) return;
    const last = ids[ids.length - 1]!.id;
    const { rows } = await sql<SignalRow & { profile_id: string }>`select profile_id, title_id, w, at
      from (${SIGNALS(sql`profile_id > ${cursor} and profile_id <= ${last}`)}) x`.execute(k);
    const byProfile = new Map<string, SignalRow[]>();
    for (const r of rows) {
      let list = byProfile.get(r.profile_id);
      if (!list) byProfile.set(r.profile_id, (list = []));
      list.push({ title_id: r.title_id, w: Number(r.w), at: Number(r.at) });
    }
    onBatch(byProfile);
    cursor = last;
  }
}

export interface RebuildOutput {
  neighbours: NeighbourRow[];
  counts: Array<Selectable<DB['title_interaction_counts']>>;
  source: 'none' | 'genre' | 'platform';
  titles: number;
  interactions: number;
  durationMs: number;
}

/** Rows per multi-row INSERT: 2000 x 3 parameters stays far below PostgreSQL's 65535. */
const INSERT_BATCH = 2000;

const chunks = <T>(rows: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += INSERT_BATCH) out.push(rows.slice(i, i + INSERT_BATCH));
  return out;
};

/** Replaces the neighbours and counts in one transaction: readers see the old set or the new one, never half. */
export async function writeRebuild(em: Em, out: RebuildOutput): Promise<void> {
  await em.transactional(async (tx) => {
    const k = db(tx as Em);
    await k.deleteFrom('title_neighbours').execute();
    for (const chunk of chunks(out.neighbours)) await k.insertInto('title_neighbours').values(chunk).execute();
    await k.deleteFrom('title_interaction_counts').execute();
    for (const chunk of chunks(out.counts)) await k.insertInto('title_interaction_counts').values(chunk).execute();
    await k
      .updateTable('recs_state')
      .set((eb) => ({
        version: eb('version', '+', 1),
        built_at: sql<Date>`now()`,
        source: out.source,
        titles: out.titles,
        interactions: out.interactions,
        neighbour_rows: out.neighbours.length,
        duration_ms: Math.round(out.durationMs),
      }))
      .where('id', '=', 1)
      .execute();
  });
  // The table changed wholesale: fresh statistics keep the planner on the (title_id, ...) index instead of
  // a sequential scan planned from the previous, maybe empty, table.
  const k = db(em);
  await sql`analyze title_neighbours`.execute(k);
  await sql`analyze title_interaction_counts`.execute(k);
}
