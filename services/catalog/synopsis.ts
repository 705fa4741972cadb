// A neutral, factual one-line synopsis built from a title's facts (year, genres, people, network), for the
// demo catalog, which carries no overviews.

export interface SynopsisFacts {
  kind: 'movie' | 'series';
  year: number | null;
  genres: string[];
  directors: string[];
  cast: string[];
  network: string | null;
  seasons: number;
}

// Genres that read as a noun on their own ("a crime drama"); the rest qualify "film" / "series".
const NOUNS = new Set(['drama', 'comedy', 'thriller', 'documentary', 'western', 'romance', 'mystery', 'musical']);
const ADJECTIVE: Record<string, string> = {
  animation: 'animated',
  'science fiction': 'science-fiction',
  'sci-fi & fantasy': 'sci-fi and fantasy',
  'action & adventure': 'action-adventure',
  'war & politics': 'political',
  kids: "children's",
  history: 'historical',
  'tv movie': 'television',
  music: 'music',
};

const adjective = (genre: string): string => ADJECTIVE[genre] ?? genre;

/** "Marlon Brando", "Marlon Brando and Al Pacino", "A, B and C". */
export function joinNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function describe(kind: 'movie' | 'series', genres: string[]): string {
  const words = genres.slice(0, 2).map((g) => g.toLowerCase());
  // "crime drama", not "drama crime": a genre that reads as a noun goes last.
  const noun = words.findIndex((w) => NOUNS.has(w));
  if (kind === 'movie' && noun === 0 && words.length > 1) words.reverse();
  if (kind === 'series') return [...words.map(adjective), 'series'].join(' ');
  const last = words[words.length - 1];
  if (last && NOUNS.has(last)) return [...words.slice(0, -1).map(adjective), last].join(' ');
  return [...words.map(adjective), 'film'].join(' ');
}

export function synopsis(f: SynopsisFacts): string {
  const what = describe(f.kind, f.genres);
  const head = f.year
    ? `${String(f.year).startsWith('18') ? 'An' : 'A'} ${f.year} ${what}`
    : `${/^[aeiou]/i.test(what) ? 'An' : 'A'} ${what}`;
  const parts = [head];
  if (f.kind === 'movie' && f.directors.length > 0) parts.push(` directed by ${joinNames(f.directors.slice(0, 2))}`);
  if (f.kind === 'series' && f.network) parts.push(` from ${f.network}`);
  if (f.cast.length > 0) parts.push(`, starring ${joinNames(f.cast.slice(0, 2))}`);
  let text = `${parts.join('')}.`;
  if (f.kind === 'series' && f.seasons > 0) text += ` ${f.seasons} season${f.seasons === 1 ? '' : 's'}.`;
  return text;
}
