// The media pipeline's SQL: assets (one per uploaded video) and their processing state, sidecar tracks, the
// runtime written back to the title or episode, and the lease of a long-running encode job.
import { type Selectable, sql } from 'kysely';
import type { Rendition, Stages, TrackInfo } from '../entities/media/index.ts';
import type { Em } from '../services/db/orm.ts';
import { type DB, db } from './db.ts';

type AssetTable = DB['media_assets'];
export type MediaAssetRow = Omit<
  Selectable<AssetTable>,
  'stages' | 'renditions' | 'audio_tracks' | 'subtitles' | 'source_size' | 'duration_seconds'
> & {
  source_size: number | null;
  duration_seconds: number | null;
  stages: Stages;
  renditions: Rendition[];
  audio_tracks: TrackInfo[];
  subtitles: TrackInfo[];
};
export type MediaTrackRow = Selectable<DB['media_tracks']>;

export interface AssetPatch {
  status?: MediaAssetRow['status'];
  progress?: number;
  stages?: Stages;
  source_key?: string | null;
  source_size?: number | null;
  duration_seconds?: number | null;
  width?: number | null;
  height?: number | null;
  renditions?: Rendition[];
  audio_tracks?: TrackInfo[];
  subtitles?: TrackInfo[];
  encryption_key?: string | null;
  error?: string | null;
  started_at?: Date | null;
  estimated_completion?: Date | null;
}

// JSON columns go in as an explicit jsonb cast (the same on PostgreSQL and PGlite); read back parsed.
const json = <T>(v: T) => sql<T>`cast(${JSON.stringify(v)} as jsonb)`;
const parse = <T>(v: unknown, fallback: T): T =>
  typeof v === 'string' ? (JSON.parse(v) as T) : ((v as T) ?? fallback);

function toRow(r: Selectable<AssetTable>): MediaAssetRow {
  return {
    ...r,
    source_size: r.source_size == null ? null : Number(r.source_size),
    duration_seconds: r.duration_seconds == null ? null : Number(r.duration_seconds),
    stages: parse<Stages>(r.stages, {}),
    renditions: parse<Rendition[]>(r.renditions, []),
    audio_tracks: parse<TrackInfo[]>(r.audio_tracks, []),
    subtitles: parse<TrackInfo[]>(r.subtitles, []),
  };
}

/** The media of a title itself (a movie: no episode) or of one episode. */
const episodeIs = (episodeId: string | null) =>
  episodeId === null ? sql<boolean>`episode_id is null` : sql<boolean>`episode_id = ${episodeId}`;

function assets(em: Em, titleId: string, episodeId: string | null) {
  return db(em).selectFrom('media_assets').selectAll().where('title_id', '=', titleId).where(episodeIs(episodeId));
}

export async function createAsset(
  em: Em,
  a: {
    id: string;
    titleId: string;
    episodeId: string | null;
    status: MediaAssetRow['status'];
    uploadedBy: string | null;
    stages: Stages;
  },
): Promise<void> {
  await db(em)
    .insertInto('media_assets')
    .values({
      id: a.id,
      title_id: a.titleId,
      episode_id: a.episodeId,
      status: a.status,
      uploaded_by: a.uploadedBy,
      stages: json(a.stages),
    })
    .execute();
}

export async function getAsset(em: Em, id: string): Promise<MediaAssetRow | null> {
  const row = await db(em).selectFrom('media_assets').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRow(row) : null;
}

/** The newest upload of a title or episode, whatever its state (processing-status reports it). */
export async function latestAsset(em: Em, titleId: string, episodeId: string | null): Promise<MediaAssetRow | null> {
  const row = await assets(em, titleId, episodeId)
    .where('status', '!=', 'replaced')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toRow(row) : null;
}

/** The ladder players are served: the newest ready asset. */
export async function readyAsset(em: Em, titleId: string, episodeId: string | null): Promise<MediaAssetRow | null> {
  const row = await assets(em, titleId, episodeId)
    .where('status', '=', 'ready')
    .orderBy('ready_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toRow(row) : null;
}

export async function updateAsset(em: Em, id: string, patch: AssetPatch): Promise<void> {
  const { stages, renditions, audio_tracks, subtitles, ...plain } = patch;
  await db(em)
    .updateTable('media_assets')
    .set({
      ...plain,
      ...(stages ? { stages: json(stages) } : {}),
      ...(renditions ? { renditions: json(renditions) } : {}),
      ...(audio_tracks ? { audio_tracks: json(audio_tracks) } : {}),
      ...(subtitles ? { subtitles: json(subtitles) } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Publishes an asset: it becomes the ready one and every other ready asset of the same title or episode is
 * marked replaced, in one statement pair inside the caller's transaction. Returns the replaced assets.
 */
export async function markReady(em: Em, asset: MediaAssetRow): Promise<MediaAssetRow[]> {
  const replaced = await db(em)
    .updateTable('media_assets')
    .set({ status: 'replaced', updated_at: sql<Date>`now()` })
    .where('title_id', '=', asset.title_id)
    .where(episodeIs(asset.episode_id))
    .where('status', '=', 'ready')
    .where('id', '!=', asset.id)
    .returningAll()
    .execute();
  await db(em)
    .updateTable('media_assets')
    .set({
      status: 'ready',
      progress: 100,
      error: null,
      ready_at: sql<Date>`now()`,
      estimated_completion: null,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', asset.id)
    .execute();
  return replaced.map(toRow);
}

export async function listTracks(em: Em, titleId: string, episodeId: string | null): Promise<MediaTrackRow[]> {
  return db(em)
    .selectFrom('media_tracks')
    .selectAll()
    .where('title_id', '=', titleId)
    .where(episodeIs(episodeId))
    .orderBy('kind')
    .orderBy('language')
    .execute();
}

/** Adds or replaces the sidecar of a language; returns the source key it replaced, if any. */
export async function upsertTrack(
  em: Em,
  t: {
    titleId: string;
    episodeId: string | null;
    kind: MediaTrackRow['kind'];
    language: string;
    label: string | null;
    sourceKey: string;
  },
): Promise<string | null> {
  const existing = (await listTracks(em, t.titleId, t.episodeId)).find(
    (r) => r.kind === t.kind && r.language === t.language,
  );
  if (existing) {
    await db(em)
      .updateTable('media_tracks')
      .set({ source_key: t.sourceKey, label: t.label })
      .where('id', '=', existing.id)
      .execute();
    return existing.source_key;
  }
  await db(em)
    .insertInto('media_tracks')
    .values({
      id: crypto.randomUUID(),
      title_id: t.titleId,
      episode_id: t.episodeId,
      kind: t.kind,
      language: t.language,
      label: t.label,
      source_key: t.sourceKey,
    })
    .execute();
  return null;
}

// The catalog tables are not modelled as entities yet, so the two catalog statements below are SQL.

/** Whether the title (and the episode, when given) exists and is not deleted. */
export async function targetExists(em: Em, titleId: string, episodeId: string | null): Promise<boolean> {
  const { rows } =
    episodeId === null
      ? await sql<{ id: string }>`select id from titles where id = ${titleId} and deleted_at is null`.execute(db(em))
      : await sql<{ id: string }>`select id from episodes
          where id = ${episodeId} and title_id = ${titleId} and deleted_at is null`.execute(db(em));
  return rows.length === 1;
}

/** The runtime (whole minutes, as the catalog keeps it) measured from the media. */
export async function setRuntime(em: Em, titleId: string, episodeId: string | null, minutes: number): Promise<void> {
  const query =
    episodeId === null
      ? sql`update titles set runtime = ${minutes}, updated_at = now() where id = ${titleId}`
      : sql`update episodes set runtime = ${minutes}, updated_at = now() where id = ${episodeId} and title_id = ${titleId}`;
  await query.execute(db(em));
}

/** Keeps a long encode's job leased to this worker until `until` (the runner's default lease is two minutes). */
export async function extendJobLease(em: Em, jobId: string, until: Date): Promise<void> {
  await db(em)
    .updateTable('jobs')
    .set({ locked_until: until })
    .where('id', '=', jobId)
    .where('status', '=', 'running')
    .execute();
}
