// Playback qualities and the plan's resolution ceiling they are capped at.

export const QUALITIES = ['480p', '720p', '1080p', '2160p'] as const;
export type Quality = (typeof QUALITIES)[number];

export const heightOf = (quality: string | null | undefined): number => Number.parseInt(quality ?? '0', 10) || 0;

/** The plan's ceiling in lines (720 when a plan states none). */
export const ceilingOf = (maxResolution: string | null): number => heightOf(maxResolution) || 720;

/** The requested quality, lowered to what the plan allows. */
export function capQuality(requested: Quality, maxResolution: string | null): Quality {
  const max = ceilingOf(maxResolution);
  return heightOf(requested) <= max ? requested : (QUALITIES.filter((q) => heightOf(q) <= max).at(-1) ?? '480p');
}
