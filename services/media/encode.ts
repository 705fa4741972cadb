// Encoding one asset's encrypted HLS ladder with ffmpeg, on local files: video rungs, one audio rendition per
// language, WebVTT subtitle renditions; then measuring what was written (codecs, peak and average bitrates).
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Rendition, TrackInfo } from '../../entities/media/index.ts';
import { run, type Tools } from './ffmpeg.ts';
import {
  AUDIO_BITRATE,
  avcCodec,
  ladderFor,
  masterPlaylist,
  measure,
  parseMediaPlaylist,
  SEGMENT_SECONDS,
  subtitlePlaylist,
} from './hls.ts';
import { probeJson, type SourceInfo } from './probe.ts';

export interface EncodeInput {
  source: string;
  info: SourceInfo;
  /** Sidecar audio files by language. */
  audioFiles: Array<{ file: string; language: string; label: string | null }>;
  /** WebVTT sidecars by language. */
  subtitleFiles: Array<{ file: string; language: string; label: string | null }>;
  outDir: string;
  workDir: string;
  key: Buffer;
  iv: Buffer;
  ladder: number[];
  preset: string;
  onProgress: (fraction: number) => void;
}

export interface EncodeResult {
  renditions: Rendition[];
  audio: TrackInfo[];
  subtitles: TrackInfo[];
}

const hlsArgs = (dir: string, keyInfo: string) => [
  '-f',
  'hls',
  '-hls_time',
  String(SEGMENT_SECONDS),
  '-hls_playlist_type',
  'vod',
  '-hls_flags',
  'independent_segments',
  '-hls_key_info_file',
  keyInfo,
  '-hls_segment_filename',
  path.join(dir, 'seg_%05d.ts'),
  path.join(dir, 'index.m3u8'),
];

async function segmentsOf(dir: string) {
  const playlist = parseMediaPlaylist(await readFile(path.join(dir, 'index.m3u8'), 'utf8'));
  return Promise.all(
    playlist.segments.map(async (s) => ({ duration: s.duration, bytes: (await stat(path.join(dir, s.uri))).size })),
  );
}

export async function encodeLadder(tools: Tools, input: EncodeInput): Promise<EncodeResult> {
  const { info, outDir } = input;
  const rungs = ladderFor(info.width, info.height, input.ladder);
  const keyFile = path.join(input.workDir, 'enc.key');
  const keyInfo = path.join(input.workDir, 'enc.keyinfo');
  await writeFile(keyFile, input.key);
  // The key URI is a placeholder: delivery rewrites it to the signed key endpoint per viewer.
  await writeFile(keyInfo, `key\n${keyFile}\n${input.iv.toString('hex')}\n`);

  const gop = Math.max(1, Math.round(info.fps * SEGMENT_SECONDS));
  const args = ['-v', 'error', '-y', '-nostdin', '-progress', 'pipe:1', '-i', input.source];
  for (const a of input.audioFiles) args.push('-i', a.file);
  const split = rungs.map((_r, i) => `[s${i}]`).join('');
  const scales = rungs.map((r, i) => `[s${i}]scale=${r.width}:${r.height},setsar=1[v${i}]`).join(';');
  args.push('-filter_complex', `[0:v:0]fps=${info.fps.toFixed(3)},split=${rungs.length}${split};${scales}`);

  const audio: TrackInfo[] = [];
  const audioDirs: string[] = [];
  rungs.forEach((r, i) => {
    const dir = path.join(outDir, `v${r.height}`);
    args.push(
      '-map',
      `[v${i}]`,
      '-an',
      '-c:v',
      'libx264',
      '-preset',
      input.preset,
      '-pix_fmt',
      'yuv420p',
      '-b:v',
      String(r.bitrate),
      '-maxrate',
      String(Math.round(r.bitrate * 1.1)),
      '-bufsize',
      String(r.bitrate * 2),
      '-g',
      String(gop),
      '-keyint_min',
      String(gop),
      '-sc_threshold',
      '0',
      // Keyframes on the same instants in every rung, so segments line up and players switch cleanly.
      '-force_key_frames',
      `expr:gte(t,n_forced*${SEGMENT_SECONDS})`,
      ...hlsArgs(dir, keyInfo),
    );
  });
  const audioSources = [
    ...info.audio.map((a) => ({ map: `0:a:${a.index}`, language: a.language, label: null as string | null })),
    ...input.audioFiles.map((a, i) => ({ map: `${i + 1}:a:0`, language: a.language, label: a.label })),
  ];
  audioSources.forEach((a, i) => {
    const dir = path.join(outDir, `a${i}`);
    audioDirs.push(dir);
    audio.push({
      language: a.language,
      name: a.label ?? (a.language === 'und' ? `Audio ${i + 1}` : a.language),
      codec: 'aac',
      default: i === 0,
    });
    args.push('-map', a.map, '-vn', '-c:a', 'aac', '-b:a', String(AUDIO_BITRATE), '-ac', '2', '-ar', '48000');
    args.push(...hlsArgs(dir, keyInfo));
  });
  for (const dir of [...rungs.map((r) => path.join(outDir, `v${r.height}`)), ...audioDirs])
    await mkdir(dir, { recursive: true });

  await run(tools.ffmpeg, args, {
    onProgress: (f) => {
      const us = Number(f.out_time_us ?? f.out_time_ms ?? 0);
      if (us > 0) input.onProgress(Math.min(1, us / 1e6 / info.duration));
    },
  });

  // Measure what was written: CODECS from the first segment of each rung, BANDWIDTH from segment sizes.
  let audioPeak = 0;
  let audioAverage = 0;
  for (const dir of audioDirs) {
    const m = measure(await segmentsOf(dir));
    audioPeak = Math.max(audioPeak, m.peak);
    audioAverage = Math.max(audioAverage, m.average);
  }
  const renditions: Rendition[] = [];
  let firstPts = 0;
  for (const r of rungs) {
    const dir = path.join(outDir, `v${r.height}`);
    const probed = await probeSegment(tools, path.join(dir, 'seg_00000.ts'), input.key, input.iv, input.workDir);
    firstPts = probed.startTime;
    const m = measure(await segmentsOf(dir));
    renditions.push({
      name: `v${r.height}`,
      width: probed.width,
      height: probed.height,
      bandwidth: m.peak + audioPeak,
      average_bandwidth: m.average + audioAverage,
      codecs: audio.length ? `${probed.codecs},mp4a.40.2` : probed.codecs,
    });
  }

  const subtitles: TrackInfo[] = [];
  const subtitleSources = [
    ...info.subtitles.map((s) => ({
      from: input.source,
      map: `0:s:${s.index}`,
      language: s.language,
      label: null as string | null,
    })),
    ...input.subtitleFiles.map((s) => ({ from: s.file, map: '0:s:0', language: s.language, label: s.label })),
  ];
  for (const [i, s] of subtitleSources.entries()) {
    const dir = path.join(outDir, `s${i}`);
    await mkdir(dir, { recursive: true });
    const vtt = path.join(input.workDir, `sub${i}.vtt`);
    await run(tools.ffmpeg, ['-v', 'error', '-y', '-i', s.from, '-map', s.map, '-f', 'webvtt', vtt]);
    // Cue times are media time; the map tells players where media time 0 sits on the segments' clock.
    const mpegts = Math.round(firstPts * 90_000);
    const body = (await readFile(vtt, 'utf8')).replace(
      /^WEBVTT[^\n]*\n/,
      (h) => `${h}X-TIMESTAMP-MAP=MPEGTS:${mpegts},LOCAL:00:00:00.000\n`,
    );
    await writeFile(path.join(dir, 'sub.vtt'), body);
    await writeFile(path.join(dir, 'index.m3u8'), subtitlePlaylist(info.duration));
    subtitles.push({ language: s.language, name: s.label ?? s.language, codec: 'webvtt', default: false });
  }

  await writeFile(path.join(outDir, 'master.m3u8'), masterPlaylist(renditions, audio, subtitles));
  return { renditions, audio, subtitles };
}

/** Decrypts one segment locally and reads its real codec, size and start time. */
async function probeSegment(tools: Tools, segment: string, key: Buffer, iv: Buffer, workDir: string) {
  const { createDecipheriv } = await import('node:crypto');
  const decipher = createDecipheriv('aes-128-cbc', key, iv);
  const clear = Buffer.concat([decipher.update(await readFile(segment)), decipher.final()]);
  const file = path.join(workDir, 'probe.ts');
  await writeFile(file, clear);
  const info = await probeJson(tools, file);
  const v = info.streams?.find((s) => s.codec_type === 'video');
  if (!v?.width || !v.height) throw new Error('The encoded segment has no video');
  return {
    width: v.width,
    height: v.height,
    codecs: avcCodec(v.profile ?? 'high', v.level ?? 40),
    startTime: Number(info.format?.start_time ?? 0),
  };
}
