// Write helpers shared by the admin content services: row locking, genre checks, title_genres and credits
// sync, season/episode counters, and what runs after every admin change (audit, cache invalidation).
import { randomBytes } from 'node:crypto';
import { deleteCredits, findPersonByName, insertCredits, insertPerson } from '../../repositories/credits.ts';
import { refreshSearchVectors, replaceTitleGenres } from '../../repositories/title-store.ts';
import { knownGenreIds } from '../../repositories/titles.ts';
import { type LockedTitle, lockLiveTitle } from '../../repositories/titles-admin.ts';
import type { Actor, Deps } from '../deps.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { audit } from '../audit.ts';
import { invalidateCatalog } from './cache.ts';

export type Kind = 'movie' | 'series';
export type { LockedTitle };
export { recount } from '../../repositories/episodes.ts';

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
  const title = await lockLiveTitle(tx, id);
  if (!title) throw notFound();
  return title;
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
  const known = await knownGenreIds(em, wanted);
  const unknown = wanted.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AppError('INVALID_REQUEST', 'Unknown genre ids', {
      fields: [{ field: 'genre_ids', in: 'body', message: `unknown genre ids: ${unknown.join(', ')}` }],
    });
  }
  return wanted.map(Number);
}

/** title_genres carries the browse sort keys, so it is rewritten whenever genres, popularity or rating change. */
export const syncTitleGenres = replaceTitleGenres;

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
  const found = await findPersonByName(tx, trimmed);
  if (found) return found;
  const id = `p-${crypto.randomUUID()}`;
  await insertPerson(tx, id, trimmed);
  return id;
}

export async function replaceCredits(
  tx: Em,
  titleId: string,
  role: 'cast' | 'director',
  people: ReadonlyArray<CastMember>,
): Promise<void> {
  await deleteCredits(tx, [titleId], role);
  const done = new Set<string>();
  const credits = [];
  for (const [ord, member] of people.entries()) {
    const personId = await personFor(tx, member.name);
    if (done.has(personId)) continue;
    done.add(personId);
    credits.push({
      title_id: titleId,
      person_id: personId,
      role,
      character: role === 'cast' ? (member.character ?? null) : null,
      ord,
    });
  }
  await insertCredits(tx, credits);
}

export interface Change {
  action: string;
  titleId: string;
  details?: Record<string, unknown>;
}

/** Title, credits and genres feed the search index; it is rebuilt in the same transaction as they change. */
export const refreshSearch = (tx: Em, titleId: string): Promise<void> => refreshSearchVectors(tx, [titleId]);

/** Runs a change in one transaction with its audit row, then drops the cached catalog lists it may affect. */
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

/** Stored image values: TMDb keeps a path (`/abc.jpg`), local titles a full https URL. */
export function imageUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  return value.startsWith('/') ? `https://image.tmdb.org/t/p/original${value}` : value;
}
