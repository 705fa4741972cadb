// Generated artwork for titles without pictures (the demo catalog): an SVG poster (2:3) or backdrop
// (16:9) with a gradient and the title, the same for the same title every time (colours from a hash of
// its id). About 1 KB each, drawn on request and cached, so the repository carries no image files.
import { createHash } from 'node:crypto';
import { findDetailsRow } from '../../repositories/titles.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { ALL_GENRES } from './genres.ts';
import { parseContentId } from './ids.ts';

export const ARTWORK_KINDS = ['poster', 'backdrop'] as const;
export type ArtworkKind = (typeof ARTWORK_KINDS)[number];

/** Where a title's generated artwork is served, as stored in poster_path / backdrop_path. */
export const artworkPath = (id: string, kind: ArtworkKind): string => `/api/v1/artwork/${id}/${kind}.svg`;

export const isArtworkPath = (value: string): boolean => value.startsWith('/api/v1/artwork/');

export interface ArtworkInput {
  id: string;
  title: string;
  year: number | null;
  genres: string[];
}

const escapeXml = (s: string): string =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

/** Greedy word wrap to lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && `${last} ${word}`.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = `${lines[maxLines - 1].slice(0, width - 1)}…`;
  }
  return lines;
}

export function renderArtwork(kind: ArtworkKind, t: ArtworkInput): string {
  const h = createHash('sha1').update(t.id).digest();
  const hue = Math.round((h[0] / 255) * 360);
  const hue2 = (hue + 40 + Math.round((h[1] / 255) * 80)) % 360;
  const angle = h[2] % 2 === 0 ? 'x2="0" y2="1"' : 'x2="1" y2="1"';
  const [w, ht, size, width, top] = kind === 'poster' ? [500, 750, 44, 16, 300] : [1280, 720, 64, 26, 260];
  const lines = wrap(t.title, width, 4);
  const text = lines
    .map((line, i) => `<tspan x="${w / 2}" dy="${i === 0 ? 0 : size * 1.2}">${escapeXml(line)}</tspan>`)
    .join('');
  const sub = [t.year, t.genres.slice(0, 2).join(' · ')].filter(Boolean).join('  ·  ');
  const subY = top + lines.length * size * 1.2 + 24;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${ht}" viewBox="0 0 ${w} ${ht}" role="img">` +
    `<title>${escapeXml(t.title)}</title>` +
    `<defs><linearGradient id="g" x1="0" y1="0" ${angle}>` +
    `<stop offset="0" stop-color="hsl(${hue},62%,38%)"/><stop offset="1" stop-color="hsl(${hue2},70%,12%)"/>` +
    `</linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>` +
    `<circle cx="${w * 0.8}" cy="${ht * 0.18}" r="${ht * 0.22}" fill="hsl(${hue2},80%,70%)" fill-opacity="0.12"/>` +
    `<text x="${w / 2}" y="${top}" fill="#fff" font-family="Helvetica,Arial,sans-serif" font-size="${size}" ` +
    `font-weight="700" text-anchor="middle">${text}</text>` +
    `<text x="${w / 2}" y="${subY}" fill="#fff" fill-opacity="0.75" font-family="Helvetica,Arial,sans-serif" ` +
    `font-size="${Math.round(size * 0.45)}" text-anchor="middle">${escapeXml(sub)}</text>` +
    `<text x="${w / 2}" y="${ht - 28}" fill="#fff" fill-opacity="0.5" font-family="Helvetica,Arial,sans-serif" ` +
    `font-size="18" letter-spacing="6" text-anchor="middle">CINEMATE</text></svg>`
  );
}

/** A live title's generated artwork (cached a day: it changes only with the title's name or genres). */
export async function titleArtwork(
  deps: Pick<Deps, 'em' | 'cache'>,
  id: string,
  kind: ArtworkKind,
): Promise<{ svg: string; etag: string }> {
  const parsed = parseContentId(id);
  const svg = await deps.cache.wrap(`artwork:${parsed.id}:${kind}`, 86_400, async () => {
    const row = await findDetailsRow(deps.em, parsed.id);
    if (!row) throw new AppError('NOT_FOUND', 'Content not found');
    return renderArtwork(kind, {
      id: row.id,
      title: row.title,
      year: row.release_date ? Number(row.release_date.slice(0, 4)) : null,
      genres: row.genre_ids.flatMap((g) => ALL_GENRES.find((x) => x.id === g)?.name ?? []),
    });
  });
  return { svg, etag: `"${createHash('sha1').update(svg).digest('base64url').slice(0, 20)}"` };
}
