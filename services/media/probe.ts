// Probing sources with ffprobe: the container and streams a video must have (checked by content, not by
// name), with a readable reason when it is not one; and the WebVTT conversion of subtitle sidecars.
import { stat } from 'node:fs/promises';
import { run, type Tools } from './ffmpeg.ts';

/** Bad input: the reason is for the admin, and retrying the same file cannot help. */
export class MediaInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaInputError';
  }
}

// Containers accepted, by ffprobe's format name (a renamed text file is refused whatever its extension).
const CONTAINERS = ['mov', 'mp4', 'matroska', 'webm', 'mpegts', 'avi', 'flv', 'mxf', 'mpeg'];
const TEXT_SUBTITLES = ['subrip', 'webvtt', 'ass', 'ssa', 'mov_text', 'text'];

export interface SourceInfo {
  format: string;
  duration: number;
  width: number;
  height: number;
  fps: number;
  audio: Array<{ index: number; language: string }>;
  subtitles: Array<{ index: number; language: string }>;
}

interface ProbeStream {
  index: number;
  codec_type: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  profile?: string;
  level?: number;
  tags?: { language?: string };
  disposition?: { attached_pic?: number };
}

export async function probeJson(
  tools: Tools,
  file: string,
): Promise<{ format?: { format_name?: string; duration?: string; start_time?: string }; streams?: ProbeStream[] }> {
  const out = await run(
    tools.ffprobe,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
    {
      timeoutMs: 60_000,
    },
  );
  return JSON.parse(out);
}

const rate = (r = '0/1') => {
  const [n, d] = r.split('/').map(Number);
  return d ? n / d : n || 0;
};

export async function probeSource(tools: Tools, file: string): Promise<SourceInfo> {
  const size = (await stat(file).catch(() => null))?.size ?? 0;
  if (size === 0) throw new MediaInputError('The uploaded file is empty');
  let info: Awaited<ReturnType<typeof probeJson>>;
  try {
    info = await probeJson(tools, file);
  } catch (err) {
    if (!tools.ffprobe) throw err;
    const why = (err as Error).message.split(': ').slice(1).join(': ') || 'unreadable';
    throw new MediaInputError(`The file is not a readable video (${why})`);
  }
  const formats = (info.format?.format_name ?? '').split(',');
  if (!formats.some((f) => CONTAINERS.includes(f)))
    throw new MediaInputError(`Unsupported container "${info.format?.format_name ?? 'unknown'}"`);
  const streams = info.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic && s.width && s.height);
  if (!video) throw new MediaInputError('The file has no video stream');
  const duration = Number(info.format?.duration ?? 0);
  if (!(duration > 0)) throw new MediaInputError('The video has no measurable duration (truncated?)');
  const lang = (s: ProbeStream) => (s.tags?.language && s.tags.language !== 'und' ? s.tags.language : 'und');
  return {
    format: info.format?.format_name ?? '',
    duration,
    width: video.width ?? 0,
    height: video.height ?? 0,
    fps: Math.min(60, rate(video.avg_frame_rate) || 25),
    audio: streams.filter((s) => s.codec_type === 'audio').map((s, i) => ({ index: i, language: lang(s) })),
    subtitles: streams
      .filter((s) => s.codec_type === 'subtitle')
      .map((s, i) => ({ index: i, language: lang(s), codec: s.codec_name ?? '' }))
      .filter((s) => TEXT_SUBTITLES.includes(s.codec)),
  };
}

/** Converts an SRT/ASS/WebVTT sidecar to WebVTT; a file ffmpeg cannot read as subtitles is refused. */
export async function toWebVtt(tools: Tools, input: string, output: string): Promise<void> {
  try {
    await run(tools.ffmpeg, ['-v', 'error', '-y', '-i', input, '-f', 'webvtt', output], { timeoutMs: 60_000 });
  } catch (err) {
    if (!tools.ffmpeg) throw err;
    throw new MediaInputError('The subtitle file is not SRT or WebVTT');
  }
}
