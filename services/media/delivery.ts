// Delivery of a published ladder to a grant holder: the master playlist filtered to the grant's ceiling, media
// playlists with every URI signed, segments and sidecar files (with byte ranges), and the AES-128 key. Paths
// are resolved under the grant's own title and episode, so one title's grant never reaches another's files.
import type { Readable } from 'node:stream';
import { getAsset, readyAsset } from '../../repositories/media.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { MediaGrant } from './signing.ts';
import { assetPrefix, type MediaContext } from './context.ts';
import { filterMaster, heightOfRendition, signMediaPlaylist } from './hls.ts';
import { readText, StoreError } from './store.ts';

const RENDITION = /^(v\d{2,4}|a\d{1,2}|s\d{1,2})$/;
const RENDITION_FILE = /^(seg_\d{5}\.ts|sub\.vtt)$/;
const ASSET_FILE = /^(poster\.jpg|sprite\.jpg|storyboard\.vtt)$/;
const TYPES: Record<string, string> = {
  ts: 'video/mp2t',
  vtt: 'text/vtt; charset=utf-8',
  jpg: 'image/jpeg',
};

const notFound = () => new AppError('NOT_FOUND', 'Media not found');

function checkRendition(grant: MediaGrant, rendition: string) {
  if (!RENDITION.test(rendition)) throw notFound();
  const height = heightOfRendition(rendition);
  if (height !== null && height > grant.maxHeight)
    throw new AppError('FORBIDDEN', 'This rendition is above the plan’s resolution');
}

async function read(media: MediaContext, key: string): Promise<string> {
  try {
    return await readText(media.store, key);
  } catch (err) {
    if (err instanceof StoreError && err.code === 'NOT_FOUND') throw notFound();
    throw err;
  }
}

export async function masterFor(em: Em, media: MediaContext, grant: MediaGrant, query: string): Promise<string> {
  const asset = await readyAsset(em, grant.titleId, grant.episodeId);
  if (!asset) throw new AppError('MEDIA_NOT_READY', 'This title has no playable media yet');
  const stored = await read(media, `${assetPrefix(grant.titleId, grant.episodeId, asset.id)}/master.m3u8`);
  return filterMaster(stored, grant.maxHeight, `a/${asset.id}/`, query);
}

export async function mediaPlaylist(
  media: MediaContext,
  grant: MediaGrant,
  assetId: string,
  rendition: string,
  query: string,
): Promise<string> {
  checkRendition(grant, rendition);
  const stored = await read(media, `${assetPrefix(grant.titleId, grant.episodeId, assetId)}/${rendition}/index.m3u8`);
  return signMediaPlaylist(stored, query, `../key?${query}`);
}

/** A Range header outside the file: answered 416 with the file's size. */
export class UnsatisfiableRange extends Error {
  readonly size: number;
  constructor(size: number) {
    super('Range not satisfiable');
    this.size = size;
  }
}

export interface OpenedFile {
  body: Readable;
  type: string;
  size: number;
  /** Set when a byte range was asked for and satisfiable. */
  range: { start: number; end: number } | null;
}

/** Parses a single `bytes=a-b` / `bytes=a-` / `bytes=-n` range; undefined when none, null when unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start <= end && start < size ? { start, end } : null;
}

export async function openFile(
  media: MediaContext,
  grant: MediaGrant,
  assetId: string,
  rendition: string | null,
  file: string,
  rangeHeader: string | undefined,
): Promise<OpenedFile> {
  if (rendition === null ? !ASSET_FILE.test(file) : !RENDITION_FILE.test(file)) throw notFound();
  if (rendition !== null) checkRendition(grant, rendition);
  const key = `${assetPrefix(grant.titleId, grant.episodeId, assetId)}/${rendition ? `${rendition}/` : ''}${file}`;
  // Without a Range (how players fetch whole segments) the size and the body are asked for at once: one round
  // trip to an S3 store instead of two in a row. A range needs the size first (`bytes=-500`, 416).
  const [info, whole] = rangeHeader
    ? [await media.store.stat(key), null]
    : await Promise.all([media.store.stat(key), media.store.get(key).catch(() => null)]);
  if (!info) {
    whole?.destroy();
    throw notFound();
  }
  const range = parseRange(rangeHeader, info.size);
  if (range === null) throw new UnsatisfiableRange(info.size);
  const body = whole ?? (await media.store.get(key, range));
  return {
    body,
    type: TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream',
    size: info.size,
    range: range ?? null,
  };
}

/** The 16-byte AES-128 key of an asset of the grant's title (a replaced asset's key still plays out). */
export async function keyFor(em: Em, grant: MediaGrant, assetId: string): Promise<Buffer> {
  const asset = await getAsset(em, assetId);
  if (
    !asset?.encryption_key ||
    asset.title_id !== grant.titleId ||
    asset.episode_id !== grant.episodeId ||
    (asset.status !== 'ready' && asset.status !== 'replaced')
  )
    throw notFound();
  return Buffer.from(asset.encryption_key, 'hex');
}
