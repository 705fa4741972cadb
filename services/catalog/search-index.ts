// Keeps titles.search_vector current: title and original title (weight A), cast and directors (B), genre
// names (C), in the 'simple' configuration so names and non-English titles are indexed as written.
import type { Em } from '../db/orm.ts';

const VECTOR = `
  setweight(to_tsvector('simple', coalesce(t.title, '') || ' ' || coalesce(t.original_title, '')), 'A') ||
  setweight(to_tsvector('simple', coalesce((select string_agg(p.name, ' ') from credits c join people p on p.id = c.person_id where c.title_id = t.id), '')), 'B') ||
  setweight(to_tsvector('simple', coalesce((select string_agg(g.name, ' ') from genres g where g.id = any(t.genre_ids::text[])), '')), 'C')`;

/** Rebuilds the vectors of the given titles (all titles when ids is undefined). */
export async function refreshSearchVectors(em: Em, ids?: string[]): Promise<void> {
  if (ids && ids.length === 0) return;
  if (!ids) {
    await em.execute(`update titles t set search_vector = ${VECTOR}`);
    return;
  }
  for (let i = 0; i < ids.length; i += 1000) {
    await em.execute(`update titles t set search_vector = ${VECTOR} where t.id in (?)`, [ids.slice(i, i + 1000)]);
  }
}
