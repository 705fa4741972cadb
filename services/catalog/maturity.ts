// Certifications and the maturity levels every list, search and recommendation filters on.
// Level 0: kids (G, TV-Y, TV-Y7, TV-G); 1: family (PG, TV-PG); 2: teen (PG-13, TV-14); 3: adult (R, NC-17,
// TV-MA) and anything unrated.
import type { MaturityFilter } from '../../entities/accounts/user.ts';

export const CERTIFICATIONS = [
  'G',
  'PG',
  'PG-13',
  'R',
  'NC-17',
  'TV-Y',
  'TV-Y7',
  'TV-G',
  'TV-PG',
  'TV-14',
  'TV-MA',
  'NR',
] as const;
export type Certification = (typeof CERTIFICATIONS)[number];

const LEVELS: Record<string, number> = {
  G: 0,
  'TV-Y': 0,
  'TV-Y7': 0,
  'TV-G': 0,
  PG: 1,
  'TV-PG': 1,
  'PG-13': 2,
  'TV-14': 2,
  R: 3,
  'NC-17': 3,
  'TV-MA': 3,
  NR: 3,
};

export const KIDS_LEVEL = 0;
export const ADULT_LEVEL = 3;

export const maturityLevel = (certification: string | null | undefined): number =>
  LEVELS[certification ?? 'NR'] ?? ADULT_LEVEL;

/** The highest level an account's maturity_filter lets through. */
export const levelForFilter = (filter: MaturityFilter): number => (filter === 'teen' ? 2 : ADULT_LEVEL);
