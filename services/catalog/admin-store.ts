// Write helpers shared by the admin content services: row locking, genre checks, title_genres and credits
// sync, season/episode counters, and what runs after every admin change (audit, cache invalidation).
import { randomBytes } from 'node:crypto';
import type { Actor, Deps } from '../deps.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { audit } from '../audit.ts';
import { invalidateCatalog } from './cache.ts';
import { refreshSearchVectors } from './search-index.ts';

export type Kind = 'movie' | 'series';

export interface LockedTitle {
  id: string;
  kind: Kind;
  source: 'tmdb' | 'local';
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** `o` + 10 base36 characters (~51 bits): never shaped like a TMDb id (`m<n>` / `s<n>`). */
export function newContentId(): string {
  const bytes = randomBytes(10);
  let out = 'o';
  // 256 % 36 leaves a slight bias towards the first characters; irrelevant for an opaque id.
  for (const b of bytes) out += ALPHABET[b % 36];
  return out;
}

export const newSeasonId = (): string => `se-${crypto.randomUUID()}`;
export const newEpisodeId = (): string => `ep-${crypto.randomUUID()}`;

const notFound = (what = 'Content'): AppError => new AppError('NOT_FOUND', `${what} not found`);

/**
 * Locks the title row for the rest of the transaction. Every admin change to a title or its seasons
 * takes this lock first, so concurrent edits of one title queue and the counters they recompute stay right.
 */
export async function lockTitle(tx: Em, id: string): Promise<LockedTitle> {
  const rows = await tx.execute<LockedTitle[]>(
    'select id, kind, source from titles where id = ? and deleted_at is null for update',
    [id],
  );
  if (!rows[0]) throw notFound();
  return rows[0];
}

export async function lockSeries(tx: Em, id: string): Promise<LockedTitle> {
  const title = await lockTitle(tx, id);
  if (title.kind !== 'series')
    throw new AppError('INVALID_REQUEST', 'Only series have seasons and episodes', {
      fields: [{ field: 'id', in: 'params', message: 'is a movie' }],
    });
  return title;
}

/** Genre ids as stored on titles (integers), after checking that each exists in `genres`. */
export async function checkGenres(em: Em, ids: ReadonlyArray<number | string>): Promise<number[]> {
  const wanted = [...new Set(ids.map((id) => String(Number(id))))];
  if (wanted.length === 0) return [];
  const rows = await em.execute<{ id: string }[]>(
    `select id from genres where id in (${wanted.map(() => '?').join(',')})`,
    wanted,
  );
  const known = new Set(rows.map((r) => String(r.id)));
  const unknown = wanted.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AppError('INVALID_REQUEST', 'Unknown genre ids', {
      fields: [{ field: 'genre_ids', in: 'body', message: `unknown genre ids: ${unknown.join(', ')}` }],
    });
  }
  return wanted.map(Number);
}

/** title_genres carries the browse sort keys, so it is rewritten whenever genres, popularity or rating change. */
export async function syncTitleGenres(
  tx: Em,
  titleId: string,
  genreIds: number[],
  popularity: number,
  maturityLevel: number,
): Promise<void> {
  await tx.execute('delete from title_genres where title_id = ?', [titleId]);
  for (const genreId of genreIds) {
    await tx.execute('insert into title_genres (genre_id, title_id, popularity, maturity_level) values (?, ?, ?, ?)', [
      genreId,
      titleId,
      popularity,
      maturityLevel,
    ]);
  }
}

export interface CastMember {
  name: string;
  character?: string | null;
}

/** Cast names must be unique within a title (one credit per person and role). */
export function checkCast(cast: ReadonlyArray<CastMember> | undefined): void {
  if (!cast) return;
  const seen = new Set<string>();
  for (const [i, member] of cast.entries()) {
    const key = member.name.trim().toLowerCase();
    if (seen.has(key))
      throw new AppError('INVALID_REQUEST', 'A person is listed twice in the cast', {
        fields: [{ field: `cast.${i}.name`, in: 'body', message: 'is listed twice' }],
      });
    seen.add(key);
  }
}

/**
 * A person row for a typed name. An exact name match is reused, preferring TMDb people, so that sending back
 * the cast GET returned does not duplicate anyone; otherwise a local person `p-<uuid>` is created.
 */
async function personFor(tx: Em, name: string): Promise<string> {
  const trimmed = name.trim();
  const rows = await tx.execute<{ id: string }[]>(
    'select id from people where name = ? order by (tmdb_id is null), id limit 1',
    [trimmed],
  );
  if (rows[0]) return rows[0].id;
  const id = `p-${crypto.randomUUID()}`;
  await tx.execute('insert into people (id, name) values (?, ?)', [id, trimmed]);
  return id;
}

export async function replaceCredits(
  tx: Em,
  titleId: string,
  role: 'cast' | 'director',
  people: ReadonlyArray<CastMember>,
): Promise<void> {
  await tx.execute('delete from credits where title_id = ? and role = ?', [titleId, role]);
  const done = new Set<string>();
  for (const [ord, member] of people.entries()) {
    const personId = await personFor(tx, member.name);
    if (done.has(personId)) continue;
    done.add(personId);
    await tx.execute('insert into credits (title_id, person_id, role, character, ord) values (?, ?, ?, ?, ?)', [
      titleId,
      personId,
      role,
      role === 'cast' ? (member.character ?? null) : null,
      ord,
    ]);
  }
}

/** Recomputes seasons.episode_count and titles.season_count / episode_count from live rows (specials, season 0, not counted on the title). */
export async function recount(tx: Em, titleId: string): Promise<void> {
  await tx.execute(
    `update seasons s set episode_count = (select count(*) from episodes e where e.title_id = s.title_id and e.season_number = s.season_number and e.deleted_at is null)
     where s.title_id = ?`,
    [titleId],
  );
  await tx.execute(
    `update titles set
       season_count = (select count(*) from seasons where title_id = ? and deleted_at is null and season_number > 0),
       episode_count = (select coalesce(sum(episode_count), 0) from seasons where title_id = ? and deleted_at is null and season_number > 0),
       updated_at = now()
     where id = ?`,
    [titleId, titleId, titleId],
  );
}

export interface Change {
  action: string;
  titleId: string;
  details?: Record<string, unknown>;
}

/** Runs a change in one transaction with its audit row, then drops the cached catalog lists it may affect. */
/** Title, credits and genres feed the search index; it is rebuilt in the same transaction as they change. */
export const refreshSearch = (tx: Em, titleId: string): Promise<void> => refreshSearchVectors(tx, [titleId]);

export async function applyChange<T>(
  deps: Deps,
  actor: Actor,
  work: (tx: Em) => Promise<{ result: T; change: Change }>,
): Promise<T> {
  const { result, change } = await deps.em.transactional(async (tx) => {
    const done = await work(tx);
    await audit(
      { em: tx, log: deps.log },
      {
        action: done.change.action,
        actorId: actor.userId,
        ip: actor.ip,
        targetType: 'content',
        targetId: done.change.titleId,
        details: done.change.details,
      },
    );
    return done;
  });
  await invalidateCatalog(deps.cache, change.titleId);
  return result;
}

/** A date column as YYYY-MM-DD whatever the driver returns (string or Date). */
export function day(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

/** A timestamptz column as ISO 8601 (PGlite and pg return strings in different shapes). */
export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return new Date(value as string).toISOString();
}

/** Stored image values: TMDb keeps a path (`/abc.jpg`), local titles a full https URL. */
export function imageUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  return value.startsWith('/') ? `https://image.tmdb.org/t/p/original${value}` : value;
}
