// The HLS ladder (rungs and bitrates by resolution) and the playlists: reading ffmpeg's media playlists,
// writing the master playlist from the measured streams, and the per-request rewrite that filters renditions
// by the grant's ceiling and signs every URI.
import type { Rendition, TrackInfo } from '../../entities/media/index.ts';

export const SEGMENT_SECONDS = 6;
export const AUDIO_BITRATE = 128_000;

/** Video bitrate by rung height (H.264, roughly Apple's authoring guidelines). */
const BITRATES: Record<number, number> = {
  240: 400_000,
  360: 800_000,
  480: 1_400_000,
  720: 2_800_000,
  1080: 5_000_000,
  1440: 8_000_000,
  2160: 16_000_000,
};

export interface Rung {
  height: number;
  width: number;
  bitrate: number;
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** The configured rungs at or below the source; a source smaller than every rung gets one at its own size. */
export function ladderFor(sourceWidth: number, sourceHeight: number, heights: number[]): Rung[] {
  const aspect = sourceWidth / sourceHeight;
  const fit = heights.filter((h) => h <= sourceHeight).sort((a, b) => a - b);
  const chosen = fit.length > 0 ? fit : [even(sourceHeight)];
  return chosen.map((height) => ({
    height,
    width: even(height * aspect),
    bitrate: BITRATES[height] ?? Math.round((height * height * aspect * 30 * 0.07) / 1000) * 1000,
  }));
}

export interface MediaPlaylist {
  segments: Array<{ uri: string; duration: number }>;
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const segments: MediaPlaylist['segments'] = [];
  let duration = 0;
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line && !line.startsWith('#')) segments.push({ uri: line, duration });
  }
  return { segments };
}

/** Peak and average bits per second of a stream, from its segments' sizes (what BANDWIDTH must state). */
export function measure(segments: Array<{ duration: number; bytes: number }>): { peak: number; average: number } {
  let peak = 0;
  let bits = 0;
  let seconds = 0;
  for (const s of segments) {
    const d = Math.max(s.duration, 0.001);
    peak = Math.max(peak, (s.bytes * 8) / d);
    bits += s.bytes * 8;
    seconds += s.duration;
  }
  return { peak: Math.ceil(peak), average: Math.ceil(bits / Math.max(seconds, 0.001)) };
}

/** RFC 6381 codec string of an H.264 stream from ffprobe's profile name and level. */
export function avcCodec(profile: string, level: number): string {
  const p = profile.toLowerCase();
  const [idc, constraints] = p.includes('high')
    ? ['64', '00']
    : p.includes('main')
      ? ['4d', '40']
      : p.includes('constrained')
        ? ['42', 'c0']
        : ['42', '00'];
  return `avc1.${idc}${constraints}${level.toString(16).padStart(2, '0')}`;
}

const attr = (s: string) => s.replace(/["\n\r]/g, '');

/** The master playlist of a published asset, with URIs relative to the asset folder. */
export function masterPlaylist(renditions: Rendition[], audio: TrackInfo[], subtitles: TrackInfo[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-INDEPENDENT-SEGMENTS'];
  audio.forEach((a, i) => {
    lines.push(
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="${attr(a.language)}",NAME="${attr(a.name)}",` +
        `DEFAULT=${a.default ? 'YES' : 'NO'},AUTOSELECT=YES,CHANNELS="2",URI="a${i}/index.m3u8"`,
    );
  });
  subtitles.forEach((s, i) => {
    lines.push(
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="${attr(s.language)}",NAME="${attr(s.name)}",` +
        `DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,URI="s${i}/index.m3u8"`,
    );
  });
  for (const r of renditions) {
    const groups = `${audio.length ? ',AUDIO="aud"' : ''}${subtitles.length ? ',SUBTITLES="subs"' : ''}`;
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${r.bandwidth},AVERAGE-BANDWIDTH=${r.average_bandwidth},RESOLUTION=${r.width}x${r.height},CODECS="${r.codecs}"${groups}`,
      `${r.name}/index.m3u8`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A one-cue-file subtitle playlist (WebVTT needs no segmenting for VOD). */
export function subtitlePlaylist(durationSeconds: number): string {
  const target = Math.max(1, Math.ceil(durationSeconds));
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-MEDIA-SEQUENCE:0',
    `#EXTINF:${durationSeconds.toFixed(3)},`,
    'sub.vtt',
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');
}

/** The rendition folder a URI points into (`v720/index.m3u8` → `v720`). */
const folderOf = (uri: string) => uri.split('/')[0] ?? '';
export const heightOfRendition = (name: string): number | null =>
  /^v(\d+)$/.test(name) ? Number(name.slice(1)) : null;

/**
 * The master playlist as one viewer gets it: renditions above the ceiling removed, every URI prefixed with the
 * asset path and suffixed with the grant query.
 */
export function filterMaster(stored: string, maxHeight: number, prefix: string, query: string): string {
  const out: string[] = [];
  const lines = stored.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('#EXT-X-STREAM-INF:')) {
      const uri = lines[i + 1] ?? '';
      const height = heightOfRendition(folderOf(uri)) ?? 0;
      i++;
      if (height > maxHeight) continue;
      out.push(line, `${prefix}${uri}?${query}`);
    } else if (line.startsWith('#EXT-X-MEDIA:')) {
      out.push(line.replace(/URI="([^"]+)"/, (_m, uri: string) => `URI="${prefix}${uri}?${query}"`));
    } else out.push(line);
  }
  return out.join('\n');
}

/** A media playlist as served: segment URIs and the key URI carry the grant. */
export function signMediaPlaylist(stored: string, query: string, keyUri: string): string {
  return stored
    .split('\n')
    .map((line) => {
      if (line.startsWith('#EXT-X-KEY:')) return line.replace(/URI="[^"]*"/, `URI="${keyUri}"`);
      if (line && !line.startsWith('#')) return `${line}?${query}`;
      return line;
    })
    .join('\n');
}
