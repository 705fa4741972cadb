// The SQL of recommendations: the live catalog as the model sees it, one profile's signals and the
// neighbour rows of its items, every profile's interactions for the rebuild, and writing the results.
// Signal weights follow the model's scale (model.ts): history = fraction watched (1 when completed),
// favourite 1, watchlist 0.5, up vote 1, down vote -1.
import type { Em } from '../db/orm.ts';

const SIGNALS = (profileFilter: string) => `
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
export const loadCatalog = (em: Em): Promise<CatalogRow[]> =>
  em.execute<CatalogRow[]>(
    `select t.id, t.genre_ids, t.maturity_level, t.popularity, c.profiles
     from titles t left join title_interaction_counts c on c.title_id = t.id
     where t.deleted_at is null order by t.id`,
  );

export async function stateVersion(em: Em): Promise<number> {
  const rows = await em.execute<{ version: number }[]>('select version from recs_state where id = 1');
  return Number(rows[0]?.version ?? 0);
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
  const rows = await em.execute<Array<SignalRow & { kind: string }>>(
    `select 's' as kind, title_id, w, at from (${SIGNALS('profile_id = ?')}) x
     union all select 'g', genre_id, 0, 0 from user_genres where user_id = ?`,
    [profileId, profileId, profileId, profileId, userId],
  );
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
    `(select count(*) || ':' || coalesce((extract(epoch from max(${column})) * 1000)::bigint::text, '') from ${table} where profile_id = ?)`;
  const rows = await em.execute<{ v: string }[]>(
    `select concat_ws('|', ${part('watch_history', 'watched_at')}, ${part('user_favourites', 'created_at')},
       ${part('watchlist', 'created_at')}, ${part('ratings', 'updated_at')},
       (select string_agg(genre_id, ',' order by genre_id) from user_genres where user_id = ?)) as v`,
    [profileId, profileId, profileId, profileId, userId],
  );
  return rows[0]?.v ?? '';
}

export interface NeighbourRow {
  title_id: string;
  neighbour_id: string;
  score: number;
}

/**
 * The best `limit` stored neighbours of each given title, in one query: an index-only range scan of
 * (title_id, score desc) per title. Callers ask fewer for titles that weigh little (old history).
 */
export function neighbourRows(
  em: Em,
  wanted: ReadonlyArray<{ titleId: string; limit: number }>,
): Promise<NeighbourRow[]> {
  if (wanted.length === 0) return Promise.resolve([]);
  return em.execute<NeighbourRow[]>(
    `select v.title_id, n.neighbour_id, n.score from (values ${wanted.map(() => '(?, ?::int)').join(', ')}) v (title_id, k)
     cross join lateral (select neighbour_id, score from title_neighbours where title_id = v.title_id order by score desc limit v.k) n`,
    wanted.flatMap((w) => [w.titleId, w.limit]),
  );
}

/** Neighbours of one title that this viewer may see, best first. */
export const similarRows = (
  em: Em,
  titleId: string,
  maxLevel: number,
  limit: number,
): Promise<Array<{ id: string; score: number }>> =>
  em.execute(
    `select n.neighbour_id as id, n.score from title_neighbours n join titles t on t.id = n.neighbour_id
     where n.title_id = ? and t.deleted_at is null and t.maturity_level <= ? order by n.score desc, n.neighbour_id limit ?`,
    [titleId, maxLevel, limit],
  );

/**
 * Every profile's signals, a batch of profiles at a time (keyset on the profile id), so the rebuild
 * never holds one giant result set. `onBatch` gets rows grouped by profile.
 */
export async function forEachProfileBatch(
  em: Em,
  batchSize: number,
  onBatch: (byProfile: Map<string, SignalRow[]>) => void,
): Promise<void> {
  let cursor = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const ids = await em.execute<{ id: string }[]>('select id from viewer_profiles where id > ? order by id limit ?', [
      cursor,
      batchSize,
    ]);
    if (ids.length === 0) return;
    const last = ids[ids.length - 1]!.id;
    const rows = await em.execute<Array<SignalRow & { profile_id: string }>>(
      `select profile_id, title_id, w, at from (${SIGNALS('profile_id > ? and profile_id <= ?')}) x`,
      [cursor, last, cursor, last, cursor, last, cursor, last],
    );
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
  counts: Array<{ title_id: string; profiles: number }>;
  source: 'none' | 'genre' | 'platform';
  titles: number;
  interactions: number;
  durationMs: number;
}

const INSERT_BATCH = 2000;

async function insertBatched<T>(
  em: Em,
  head: string,
  tuple: string,
  rows: readonly T[],
  values: (row: T) => unknown[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const chunk = rows.slice(i, i + INSERT_BATCH);
    await em.execute(`${head} values ${chunk.map(() => tuple).join(',')}`, chunk.flatMap(values));
  }
}

/** Replaces the neighbours and counts in one transaction: readers see the old set or the new one, never half. */
export async function writeRebuild(em: Em, out: RebuildOutput): Promise<void> {
  await em.transactional(async (tx) => {
    const t = tx as Em;
    await t.execute('delete from title_neighbours');
    await insertBatched(
      t,
      'insert into title_neighbours (title_id, neighbour_id, score)',
      '(?, ?, ?)',
      out.neighbours,
      (r) => [r.title_id, r.neighbour_id, r.score],
    );
    await t.execute('delete from title_interaction_counts');
    await insertBatched(t, 'insert into title_interaction_counts (title_id, profiles)', '(?, ?)', out.counts, (r) => [
      r.title_id,
      r.profiles,
    ]);
    await t.execute(
      `update recs_state set version = version + 1, built_at = now(), source = ?, titles = ?, interactions = ?, neighbour_rows = ?, duration_ms = ? where id = 1`,
      [out.source, out.titles, out.interactions, out.neighbours.length, Math.round(out.durationMs)],
    );
  });
  // The table changed wholesale: fresh statistics keep the planner on the (title_id, ...) index instead of
  // a sequential scan planned from the previous, maybe empty, table.
  await em.execute('analyze title_neighbours');
  await em.execute('analyze title_interaction_counts');
}
