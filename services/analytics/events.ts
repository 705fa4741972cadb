// Ingests client analytics events: checks what the schema cannot (content ids on video events, metadata size
// and depth, clock skew, profile ownership), drops events whose client id was already stored, and answers
// once the rows are committed.
import { insertNewEvents, type NewEvent, ownedProfileIds } from '../../repositories/analytics.ts';
import type { AnalyticsEventInput } from '../../schemas/analytics.ts';
import { parseContentId } from '../catalog/ids.ts';
import { personalTier } from '../cache/personal.ts';
import type { Cache } from '../cache/types.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { MAX_AGE_MS, MAX_FUTURE_SKEW_MS, MAX_METADATA_BYTES, MAX_METADATA_DEPTH } from './rules.ts';

/**
 * The nesting depth of a JSON value and an upper bound of its UTF-8 size as JSON: a string character takes
 * at most 6 bytes (a \u escape), a number at most 24. Most metadata is then known to fit without being
 * serialized once more (it is serialized with the batch anyway).
 */
function shapeOf(value: unknown): { depth: number; bytes: number } {
  if (typeof value === 'string') return { depth: 0, bytes: 2 + 6 * value.length };
  if (value === null || typeof value !== 'object') return { depth: 0, bytes: 24 };
  let depth = 0;
  let bytes = 2;
  if (Array.isArray(value)) {
    for (const child of value) {
      const shape = shapeOf(child);
      depth = Math.max(depth, shape.depth);
      bytes += shape.bytes + 1;
    }
  } else {
    for (const key in value) {
      const shape = shapeOf((value as Record<string, unknown>)[key]);
      depth = Math.max(depth, shape.depth);
      bytes += 4 + 6 * key.length + shape.bytes;
    }
  }
  return { depth: depth + 1, bytes };
}

function invalid(index: number, message: string): AppError {
  return new AppError('INVALID_REQUEST', `events[${index}]: ${message}`, { index });
}

/** The stored row of one event, or an INVALID_REQUEST naming its index in the batch. */
export function toRow(userId: string, e: AnalyticsEventInput, index: number, now: number): NewEvent {
  const metadata = e.metadata ?? {};
  const shape = shapeOf(metadata);
  if (shape.depth > MAX_METADATA_DEPTH) throw invalid(index, `metadata nests deeper than ${MAX_METADATA_DEPTH}`);
  if (shape.bytes > MAX_METADATA_BYTES && Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES) {
    throw invalid(index, `metadata is larger than ${MAX_METADATA_BYTES} bytes`);
  }
  if (e.event_type.startsWith('video_') && !e.content_id) throw invalid(index, `${e.event_type} needs content_id`);
  const at = Date.parse(e.timestamp);
  // The format admits forms Date cannot read (an hour-only offset, a leap second): refused, not guessed.
  if (Number.isNaN(at)) throw invalid(index, 'timestamp must be an RFC 3339 date-time with a hh:mm offset');
  if (at < now - MAX_AGE_MS) throw invalid(index, 'timestamp is more than 7 days old');
  return {
    // A clock far ahead is wrong, not the future: the event happened about now. Otherwise the client's
    // text goes to PostgreSQL as sent, with no Date made and formatted again per event.
    occurred_at: at > now + MAX_FUTURE_SKEW_MS ? new Date(now).toISOString() : e.timestamp,
    user_id: userId,
    profile_id: e.profile_id,
    event_type: e.event_type,
    content_id: e.content_id ? parseContentId(e.content_id).id : null,
    device_type: e.metadata?.device_type ?? null,
    watched_seconds: e.metadata?.watched_seconds ?? null,
    event_id: e.event_id ?? null,
    metadata,
  };
}

// A client sends events every few seconds: the profiles it acts for are remembered in the per-instance
// personal tier, under the account's version. Creating or deleting a profile is a write of the account,
// which bumps the version (here and on every instance), so the next batch checks the database again.
// Sending events is not such a write (the route says so), or every batch would forget the answer.
async function ownedOf(deps: { em: Em; cache: Cache }, userId: string, profiles: string[]): Promise<Set<string>> {
  const key = `analytics:owned:${[...profiles].sort().join(',')}`;
  return personalTier(deps.cache).read(
    userId,
    key,
    async () => new Set(await ownedProfileIds(deps.em, userId, profiles)),
  );
}

export async function recordEvents(
  deps: { em: Em; cache: Cache },
  userId: string,
  events: AnalyticsEventInput[],
  now = Date.now(),
): Promise<{ accepted: number; duplicates: number }> {
  const rows = events.map((e, i) => toRow(userId, e, i, now));
  const profiles = [...new Set(rows.map((r) => r.profile_id))];
  const owned = await ownedOf(deps, userId, profiles);
  const foreign = profiles.find((id) => !owned.has(id));
  // Another account's profile is indistinguishable from one that does not exist.
  if (foreign) throw new AppError('NOT_FOUND', 'Profile not found', { profile_id: foreign });
  // The first of several events sharing an id in one batch is the one kept.
  const seen = new Set<string>();
  const unique = rows.filter((r) => r.event_id === null || (!seen.has(r.event_id) && seen.add(r.event_id)));
  const accepted = await insertNewEvents(deps.em, userId, unique);
  return { accepted, duplicates: rows.length - accepted };
}
