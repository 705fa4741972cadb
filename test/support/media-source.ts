// Test media made on the spot with ffmpeg's lavfi sources: a few seconds of testsrc with two audio languages
// (sine tones), an SRT subtitle, and broken files (truncated, not a video, empty).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface SourceOptions {
  width?: number;
  height?: number;
  seconds?: number;
}

export interface TestMedia {
  dir: string;
  video(options?: SourceOptions): Promise<string>;
  srt(): Promise<string>;
  cleanup(): Promise<void>;
}

export async function testMedia(): Promise<TestMedia> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cinemate-src-'));
  let n = 0;
  return {
    dir,
    async video({ width = 426, height = 240, seconds = 4 } = {}) {
      const out = path.join(dir, `src-${n++}-${height}.mp4`);
      await exec('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        `testsrc=size=${width}x${height}:rate=24:duration=${seconds}`,
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=440:duration=${seconds}`,
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=880:duration=${seconds}`,
        '-map',
        '0',
        '-map',
        '1',
        '-map',
        '2',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        'yuv420p',
        '-c:a',
        'aac',
        '-b:a',
        '64k',
        '-metadata:s:a:0',
        'language=eng',
        '-metadata:s:a:1',
        'language=fra',
        '-shortest',
        out,
      ]);
      return out;
    },
    async srt() {
      const out = path.join(dir, 'subs.srt');
      await writeFile(out, '1\n00:00:00,500 --> 00:00:02,000\nHello\n\n2\n00:00:02,000 --> 00:00:03,500\nWorld\n');
      return out;
    },
    async cleanup() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The first part of a file: a video cut off mid-upload. */
export async function truncated(file: string, fraction = 0.3): Promise<Buffer> {
  const whole = await readFile(file);
  return whole.subarray(0, Math.floor(whole.length * fraction));
}
