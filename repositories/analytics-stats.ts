// The viewing-stats reads: every figure comes from analytics_profile_daily (never the raw event log).
import { sql } from 'kysely';
import type { Em } from '../services/db/orm.ts';
import { db } from './db.ts';

export interface Totals {
  watch_seconds: number;
  started: number;
  completed: number;
}

export interface Bucket {
  key: string;
  watch_seconds: number;
  titles: number;
}

export async function profileTotals(em: Em, profileId: string): Promise<Totals> {
  const { rows } = await sql<Totals>`select coalesce(sum(watch_seconds), 0)::float8 as watch_seconds,
      count(distinct title_id)::int as started,
      count(distinct title_id) filter (where completes > 0)::int as completed
    from analytics_profile_daily where profile_id = ${profileId}`.execute(db(em));
  return rows[0] ?? { watch_seconds: 0, started: 0, completed: 0 };
}

export async function byGenre(em: Em, profileId: string): Promise<Array<Bucket & { name: string }>> {
  const { rows } = await sql<Bucket & { name: string }>`select g.id as key, g.name,
      sum(d.watch_seconds)::float8 as watch_seconds, count(distinct d.title_id)::int as titles
    from analytics_profile_daily d
    join titles t on t.id = d.title_id
    cross join lateral unnest(t.genre_ids) as gid
    join genres g on g.id = gid::text
    where d.profile_id = ${profileId}
    group by g.id, g.name order by watch_seconds desc, g.name limit 50`.execute(db(em));
  return rows;
}

/** The `days` days ending on `today` (a UTC YYYY-MM-DD), oldest first, with zeros for days without viewing. */
export async function byDay(em: Em, profileId: string, days: number, today: string): Promise<Bucket[]> {
  const { rows } = await sql<Bucket>`select to_char(s.day, 'YYYY-MM-DD') as key,
      coalesce(sum(d.watch_seconds), 0)::float8 as watch_seconds, count(distinct d.title_id)::int as titles
    from generate_series(${today}::date - ${days - 1}::int, ${today}::date, interval '1 day') as s(day)
    left join analytics_profile_daily d on d.profile_id = ${profileId} and d.day = s.day::date
    group by s.day order by s.day`.execute(db(em));
  return rows;
}

export async function byDevice(em: Em, profileId: string): Promise<Bucket[]> {
  const { rows } = await sql<Bucket>`select device_type as key, sum(watch_seconds)::float8 as watch_seconds,
      count(distinct title_id)::int as titles
    from analytics_profile_daily where profile_id = ${profileId}
    group by device_type order by watch_seconds desc`.execute(db(em));
  return rows;
}

/** Days with viewing in the `days` days ending on `today` (a UTC YYYY-MM-DD), newest first, as YYYY-MM-DD. */
export async function activeDays(em: Em, profileId: string, days: number, today: string): Promise<string[]> {
  const rows = await db(em)
    .selectFrom('analytics_profile_daily')
    .select(sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'))
    .where('profile_id', '=', profileId)
    .where(sql<boolean>`day > ${today}::date - ${days}::int`)
    .where((eb) => eb.or([eb('watch_seconds', '>', 0), eb('plays', '>', 0)]))
    .groupBy('day')
    .orderBy('day', 'desc')
    .execute();
  return rows.map((r) => r.day);
}
