// The adaptive-bitrate ladder and the HLS playlists built from it, capped at the plan's resolution.

export const QUALITIES = ['480p', '720p', '1080p', '2160p'] as const;
export type Quality = (typeof QUALITIES)[number];

const LADDER = [
  { height: 480, width: 854, bandwidth: 1_400_000 },
  { height: 720, width: 1280, bandwidth: 3_000_000 },
  { height: 1080, width: 1920, bandwidth: 6_000_000 },
  { height: 2160, width: 3840, bandwidth: 16_000_000 },
];

export const heightOf = (quality: string | null | undefined): number => Number.parseInt(quality ?? '0', 10) || 0;

/** The requested quality, lowered to what the plan allows. */
export function capQuality(requested: Quality, maxResolution: string | null): Quality {
  const max = heightOf(maxResolution) || 720;
  return heightOf(requested) <= max ? requested : (QUALITIES.filter((q) => heightOf(q) <= max).at(-1) ?? '480p');
}

export function masterPlaylist(maxHeight: number, variantUrl: (height: number) => string): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const r of LADDER.filter((l) => l.height <= maxHeight)) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${r.bandwidth},RESOLUTION=${r.width}x${r.height},CODECS="avc1.640028,mp4a.40.2"`,
      variantUrl(r.height),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A VOD media playlist of 6-second segments for the runtime, pointing at the media store layout. */
export function variantPlaylist(runtimeSeconds: number, segmentUrl: (index: number) => string): string {
  const count = Math.max(1, Math.ceil(runtimeSeconds / 6));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    '#EXT-X-TARGETDURATION:6',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-MEDIA-SEQUENCE:0',
  ];
  for (let i = 0; i < count; i++) {
    const duration = i === count - 1 ? runtimeSeconds - i * 6 || 6 : 6;
    lines.push(`#EXTINF:${duration.toFixed(3)},`, segmentUrl(i));
  }
  lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}
