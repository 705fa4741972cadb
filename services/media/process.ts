// The `media.process` job: probe, encode, thumbnails, publish. Output is built in local scratch space, uploaded
// under a staging prefix and renamed into place in one step; only then does the database name the asset ready
// (replacing the previous one). A rerun after a crash starts from a clean slate, so nothing half-published
// is ever served and nothing is orphaned.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { StageName, Stages } from '../../entities/media/index.ts';
import {
  extendJobLease,
  getAsset,
  listTracks,
  markReady,
  type MediaAssetRow,
  readyAsset,
  setRuntime,
  updateAsset,
} from '../../repositories/media.ts';
import { markAvailable } from '../../repositories/title-store.ts';
import type { Clock } from '../clock.ts';
import type { Em } from '../db/orm.ts';
import { assetPrefix, type MediaContext, stagingPrefix } from './context.ts';
import { encodeLadder } from './encode.ts';
import { MediaInputError, probeSource } from './probe.ts';
import { drawThumbnails } from './thumbnails.ts';
import { ToolError } from './ffmpeg.ts';
import { processingView } from './status.ts';
import { download, StoreError, uploadDir } from './store.ts';

export const PROCESS_JOB = 'media.process';

export interface ProcessDeps {
  em: () => Em;
  media: MediaContext;
  /** The clock the job queue's leases are counted by. */
  clock: Clock;
}

const LEASE_SECONDS = 300;

/** A readable reason for the admin; the permanent ones (bad input) are not retried. */
function reasonOf(err: unknown): { reason: string; permanent: boolean } {
  if (err instanceof MediaInputError) return { reason: err.message, permanent: true };
  if (err instanceof StoreError && err.code === 'NO_SPACE')
    return { reason: 'The media store is out of space', permanent: false };
  if (err instanceof ToolError) {
    const missing = /not installed|could not start/.test(err.message);
    return {
      reason: missing ? `ffmpeg is unavailable: ${err.message}` : `Encoding failed: ${err.message}`,
      permanent: !missing && !/\(SIG/.test(err.message),
    };
  }
  return { reason: err instanceof Error ? err.message : String(err), permanent: false };
}

export async function processAsset(deps: ProcessDeps, assetId: string, jobId?: string): Promise<void> {
  const { media } = deps;
  const asset = await getAsset(deps.em(), assetId);
  // Already published, superseded or gone: a duplicate or late job has nothing to do.
  if (!asset || asset.status === 'ready' || asset.status === 'replaced' || !asset.source_key) return;

  const stages: Stages = {
    upload: 'completed',
    encoding: 'pending',
    thumbnail_generation: 'pending',
    cdn_distribution: 'pending',
  };
  const startedAt = new Date();
  let current: StageName = 'encoding';
  let lastWrite = 0;
  let lastLease = Date.now();

  const report = async (progress: number, force = false) => {
    const now = Date.now();
    if (!force && now - lastWrite < 1000) return;
    lastWrite = now;
    const elapsed = now - startedAt.getTime();
    const estimated = progress > 3 ? new Date(startedAt.getTime() + (elapsed * 100) / progress) : null;
    await updateAsset(deps.em(), assetId, { progress: Math.floor(progress), stages, estimated_completion: estimated });
    if (jobId && now - lastLease > 30_000) {
      lastLease = now;
      await extendJobLease(deps.em(), jobId, new Date(deps.clock.now().getTime() + LEASE_SECONDS * 1000));
    }
    await notify(deps, assetId);
  };
  // Progress writes are chained, so a late one never lands after a stage change or the final state.
  let pending: Promise<void> = Promise.resolve();
  const progressed = (progress: number) => {
    pending = pending.then(() => report(progress)).catch(() => {});
  };
  const stage = async (name: StageName, progress: number) => {
    await pending;
    if (current !== name) stages[current] = 'completed';
    current = name;
    stages[name] = 'in_progress';
    await report(progress, true);
  };

  const work = path.join(media.workDir, assetId);
  const final = assetPrefix(asset.title_id, asset.episode_id, asset.id);
  const staging = stagingPrefix(asset.id);
  // A previous attempt may have died anywhere: start from nothing.
  await cleanUp(media, work, staging, final);
  await updateAsset(deps.em(), assetId, { status: 'processing', error: null, started_at: startedAt });
  try {
    await stage('encoding', 0);
    await mkdir(path.join(work, 'out'), { recursive: true });
    const source = path.join(work, 'source');
    await download(media.store, asset.source_key, source);
    const info = await probeSource(media.tools, source);
    await updateAsset(deps.em(), assetId, { duration_seconds: info.duration, width: info.width, height: info.height });
    const tracks = await listTracks(deps.em(), asset.title_id, asset.episode_id);
    const sidecars = await Promise.all(
      tracks.map(async (t, i) => {
        const file = path.join(work, `track-${i}${t.kind === 'subtitle' ? '.vtt' : ''}`);
        await download(media.store, t.source_key, file);
        return { kind: t.kind, file, language: t.language, label: t.label };
      }),
    );
    const key = randomBytes(16);
    const result = await encodeLadder(media.tools, {
      source,
      info,
      audioFiles: sidecars.filter((s) => s.kind === 'audio'),
      subtitleFiles: sidecars.filter((s) => s.kind === 'subtitle'),
      outDir: path.join(work, 'out'),
      workDir: work,
      key,
      iv: randomBytes(16),
      ladder: media.ladder,
      preset: media.preset,
      onProgress: (f) => progressed(2 + f * 86),
    });
    await stage('thumbnail_generation', 88);
    await drawThumbnails(media.tools, source, info.duration, path.join(work, 'out'));
    await stage('cdn_distribution', 94);
    await uploadDir(media.store, path.join(work, 'out'), staging);
    await media.store.rename(staging, final);
    stages.cdn_distribution = 'completed';

    const replaced = await deps.em().transactional(async (tx) => {
      await updateAsset(tx, assetId, {
        stages,
        renditions: result.renditions,
        audio_tracks: result.audio,
        subtitles: result.subtitles,
        encryption_key: key.toString('hex'),
      });
      // An older upload finishing after a newer one is ready never takes its place.
      const serving = await readyAsset(tx, asset.title_id, asset.episode_id);
      if (serving && new Date(serving.created_at) > new Date(asset.created_at)) {
        await updateAsset(tx, assetId, { status: 'replaced', progress: 100 });
        return [{ ...asset, source_key: null }];
      }
      const old = await markReady(tx, asset);
      // The first playable video of a title (or of a new episode) puts it on new releases.
      if (!serving) await markAvailable(tx, asset.title_id, deps.clock.now());
      await setRuntime(tx, asset.title_id, asset.episode_id, Math.max(1, Math.round(info.duration / 60)));
      return old;
    });
    await notify(deps, assetId);
    await retire(media, replaced, asset.source_key);
    await rm(work, { recursive: true, force: true });
    media.log.info(
      { asset: assetId, renditions: result.renditions.map((r) => r.name), seconds: info.duration },
      'media published',
    );
  } catch (err) {
    await pending;
    const { reason, permanent } = reasonOf(err);
    stages[current] = 'failed';
    await cleanUp(media, work, staging, final).catch(() => {});
    await updateAsset(deps.em(), assetId, { status: 'failed', error: reason, stages, estimated_completion: null });
    await notify(deps, assetId);
    media.log.warn({ asset: assetId, reason }, 'media processing failed');
    // Bad input stays failed; anything else goes back to the queue for another attempt.
    if (!permanent) throw err;
  }
}

async function cleanUp(media: MediaContext, work: string, staging: string, final: string) {
  await rm(work, { recursive: true, force: true });
  await media.store.delete(staging);
  await media.store.delete(final);
}

/** Deletes the files of ladders that a newer one replaced (their rows stay, for history). */
async function retire(media: MediaContext, replaced: MediaAssetRow[], keep: string) {
  for (const old of replaced) {
    await media.store.delete(assetPrefix(old.title_id, old.episode_id, old.id));
    // A re-encode for a new sidecar shares its predecessor's source.
    if (old.source_key && old.source_key !== keep) await media.store.delete(old.source_key.replace(/\/source$/, ''));
  }
}

async function notify(deps: ProcessDeps, assetId: string) {
  const publish = deps.media.publish;
  if (!publish) return;
  const asset = await getAsset(deps.em(), assetId);
  if (!asset?.uploaded_by) return;
  const message = JSON.stringify({ type: 'media.processing', data: processingView(asset.title_id, asset) });
  await publish(asset.uploaded_by, message).catch((err) => deps.media.log.warn({ err }, 'progress push failed'));
}
