// Thumbnails of a source: a poster frame, and a sprite of small frames with the WebVTT storyboard players use
// for seek previews.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run, type Tools } from './ffmpeg.ts';

/** Poster frame, and a sprite of small thumbnails with the WebVTT storyboard players use for seek previews. */
export async function drawThumbnails(tools: Tools, source: string, duration: number, outDir: string): Promise<void> {
  const at = Math.min(duration * 0.1, 10);
  await run(tools.ffmpeg, [
    '-v',
    'error',
    '-y',
    '-ss',
    at.toFixed(2),
    '-i',
    source,
    '-frames:v',
    '1',
    '-vf',
    "scale=-2:'min(720,ih)'",
    '-q:v',
    '3',
    path.join(outDir, 'poster.jpg'),
  ]);
  const interval = Math.max(1, Math.ceil(duration / 100));
  const count = Math.max(1, Math.ceil(duration / interval));
  const cols = Math.min(10, count);
  const rows = Math.ceil(count / cols);
  const [w, h] = [160, 90];
  await run(tools.ffmpeg, [
    '-v',
    'error',
    '-y',
    '-i',
    source,
    '-vf',
    `fps=1/${interval},scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,tile=${cols}x${rows}`,
    '-frames:v',
    '1',
    '-q:v',
    '4',
    path.join(outDir, 'sprite.jpg'),
  ]);
  const stamp = (s: number) => new Date(Math.round(s * 1000)).toISOString().slice(11, 23);
  const cues = ['WEBVTT', ''];
  for (let i = 0; i < count; i++) {
    const end = Math.min(duration, (i + 1) * interval);
    cues.push(
      `${stamp(i * interval)} --> ${stamp(end)}`,
      `sprite.jpg#xywh=${(i % cols) * w},${Math.floor(i / cols) * h},${w},${h}`,
      '',
    );
  }
  await writeFile(path.join(outDir, 'storyboard.vtt'), cues.join('\n'));
}
