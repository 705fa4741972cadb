// Deterministic TMDb-shaped catalog data for the local TMDb server: 80 movies, 24 series with seasons and
// episodes, people, list orderings and the real genre ids. Build a fresh copy per server and edit it freely.
import type {
  TmdbCredits,
  TmdbGenre,
  TmdbMovieDetails,
  TmdbPage,
  TmdbPersonSummary,
  TmdbReview,
  TmdbSeasonDetails,
  TmdbTvDetails,
} from '../../services/tmdb/types.ts';
import { MOVIE_GENRES, TV_GENRES } from '../../services/catalog/genres.ts';

// The fake TMDb publishes the same genre lists as the real one (kept in one place, services/catalog/genres.ts).
export { MOVIE_GENRES, TV_GENRES };

export interface MediaRef {
  media_type: 'movie' | 'tv';
  id: number;
}

export interface TmdbFixtures {
  /** Full details; credits, reviews and release_dates are served only when appended. */
  movies: TmdbMovieDetails[];
  /** Full details; credits, reviews and content_ratings are served only when appended. */
  tv: TmdbTvDetails[];
  /** Keyed "<tvId>/<seasonNumber>". */
  seasons: Record<string, TmdbSeasonDetails>;
  people: TmdbPersonSummary[];
  /** Orderings of ids behind the list endpoints; pages are cut from them. */
  lists: {
    popular: number[];
    upcoming: number[];
    topRated: number[];
    popularTv: number[];
    trendingDay: MediaRef[];
    trendingWeek: MediaRef[];
  };
  movieGenres: TmdbGenre[];
  tvGenres: TmdbGenre[];
}

export const FIRST_MOVIE_ID = 1001;
export const FIRST_TV_ID = 2001;
/** A series with two seasons (8 and 7 episodes). */
export const TWO_SEASON_TV_ID = FIRST_TV_ID;

const ADJECTIVES = [
  'Silent',
  'Crimson',
  'Hidden',
  'Last',
  'Broken',
  'Golden',
  'Distant',
  'Midnight',
  'Frozen',
  'Electric',
];
const NOUNS = ['Harbor', 'Signal', 'Garden', 'Frontier', 'Orbit', 'Empire', 'River', 'Echo'];
const TV_ADJECTIVES = ['Northern', 'Quiet', 'Iron', 'Velvet', 'Hollow', 'Bright'];
const TV_NOUNS = ['Lines', 'Station', 'Kingdom', 'Tides'];
const FIRST_NAMES = [
  'Ada',
  'Bruno',
  'Chiara',
  'Dmitri',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemi',
  'Lucas',
];
const LAST_NAMES = ['Moreau', 'Okafor', 'Lindqvist', 'Tanaka', 'Alvarez', 'Novak', 'Fischer', 'Haddad'];
const LANGUAGES = ['en', 'en', 'fr', 'ja', 'ko', 'es'];
const CERTIFICATIONS = ['PG-13', 'R', 'PG', 'G', 'NC-17', 'PG-13'];
const TV_RATINGS = ['TV-MA', 'TV-14', 'TV-PG', 'TV-Y7'];
const NETWORKS = [
  { id: 49, name: 'Northlight', logo_path: '/net49.png', origin_country: 'US' },
  { id: 213, name: 'Streamhouse', logo_path: '/net213.png', origin_country: 'US' },
  { id: 4, name: 'Channel Four Arts', logo_path: null, origin_country: 'GB' },
];

const pad = (n: number) => String(n).padStart(2, '0');
const date = (year: number, i: number) => `${year}-${pad(1 + (i % 12))}-${pad(1 + ((i * 3) % 28))}`;
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export function buildPeople(): TmdbPersonSummary[] {
  const people: TmdbPersonSummary[] = [];
  for (let i = 0; i < 40; i++) {
    // Same first name only every 12 people, and then always with another last name: names stay unique.
    const name = `${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[(Math.floor(i / 12) * 2 + (i % 2)) % LAST_NAMES.length]}`;
    people.push({
      id: 50_000 + i,
      media_type: 'person',
      name,
      profile_path: i % 4 === 3 ? null : `/p${50_000 + i}.jpg`,
      popularity: round(80 - i * 1.7, 2),
    });
  }
  return people;
}

function credits(people: TmdbPersonSummary[], seed: number): TmdbCredits {
  const pick = (k: number) => people[(seed * 7 + k * 3) % people.length]!;
  const cast = [0, 1, 2, 3, 4].map((k) => ({
    id: pick(k).id,
    name: pick(k).name,
    character: `Role ${k + 1}`,
    order: k,
    profile_path: pick(k).profile_path,
  }));
  const director = pick(5);
  const writer = pick(6);
  return {
    cast,
    crew: [
      {
        id: director.id,
        name: director.name,
        job: 'Director',
        department: 'Directing',
        profile_path: director.profile_path,
      },
      { id: writer.id, name: writer.name, job: 'Screenplay', department: 'Writing', profile_path: writer.profile_path },
    ],
  };
}

function reviews(seed: number, title: string): TmdbPage<TmdbReview> {
  const results: TmdbReview[] = [];
  for (let k = 0; k < seed % 3; k++) {
    results.push({
      id: `r${seed}${k}`.padEnd(24, '0'),
      author: `critic${(seed + k) % 9}`,
      author_details: {
        username: `critic${(seed + k) % 9}`,
        avatar_path: k === 0 ? `/a${seed}.jpg` : null,
        rating: k === 1 ? null : 5 + ((seed + k) % 6),
      },
      content: `${title} ${k === 0 ? 'rewards patience' : 'feels a little long'}; the score does much of the work.`,
      created_at: `2023-${pad(1 + ((seed + k) % 12))}-14T10:${pad(k * 7)}:00.000Z`,
    });
  }
  return { page: 1, total_pages: results.length ? 1 : 0, total_results: results.length, results };
}

function buildMovie(i: number, people: TmdbPersonSummary[]): TmdbMovieDetails {
  const id = FIRST_MOVIE_ID + i;
  const title = `The ${ADJECTIVES[i % ADJECTIVES.length]} ${NOUNS[Math.floor(i / ADJECTIVES.length) % NOUNS.length]}`;
  const genreIds = [
    ...new Set([MOVIE_GENRES[i % MOVIE_GENRES.length]!.id, MOVIE_GENRES[(i * 7 + 3) % MOVIE_GENRES.length]!.id]),
  ];
  const releaseDate = i >= 35 ? date(2030, i) : date(2005 + (i % 18), i);
  return {
    id,
    title,
    original_title: title,
    original_language: LANGUAGES[i % LANGUAGES.length]!,
    overview: `${title} follows a crew that has one night to set things right.`,
    tagline: i % 2 ? 'Nothing stays buried.' : '',
    poster_path: i % 10 === 9 ? null : `/m${id}p.jpg`,
    backdrop_path: `/m${id}b.jpg`,
    release_date: releaseDate,
    runtime: 85 + ((i * 13) % 70),
    genres: MOVIE_GENRES.filter((g) => genreIds.includes(g.id)),
    popularity: round(1000 - i * 11.3, 3),
    vote_average: round(5 + ((i * 37) % 50) / 10, 1),
    vote_count: 100 + i * 57,
    homepage: i % 2 ? null : `https://example.com/movies/${id}`,
    status: i >= 35 ? 'Post Production' : 'Released',
    adult: false,
    credits: credits(people, i),
    reviews: reviews(i, title),
    release_dates: {
      results: [
        {
          iso_3166_1: 'US',
          release_dates: [
            {
              certification: CERTIFICATIONS[i % CERTIFICATIONS.length]!,
              release_date: `${releaseDate}T00:00:00.000Z`,
              type: 3,
            },
          ],
        },
        {
          iso_3166_1: 'DE',
          release_dates: [
            { certification: String([0, 6, 12, 16][i % 4]), release_date: `${releaseDate}T00:00:00.000Z`, type: 3 },
          ],
        },
      ],
    },
  };
}

function buildTv(i: number, people: TmdbPersonSummary[], seasons: Record<string, TmdbSeasonDetails>): TmdbTvDetails {
  const id = FIRST_TV_ID + i;
  const name = `${TV_ADJECTIVES[i % TV_ADJECTIVES.length]} ${TV_NOUNS[Math.floor(i / TV_ADJECTIVES.length) % TV_NOUNS.length]}`;
  const genreIds = [...new Set([TV_GENRES[i % TV_GENRES.length]!.id, TV_GENRES[(i * 5 + 5) % TV_GENRES.length]!.id])];
  const seasonCount = [2, 1, 3][i % 3]!;
  const runtime = i % 2 ? 30 : 45;
  const firstYear = 2012 + (i % 10);
  const summaries = [];
  let episodeTotal = 0;
  for (let s = 1; s <= seasonCount; s++) {
    const count = 9 - s - (i % 2);
    const seasonId = 40_000 + i * 10 + s;
    const airDate = date(firstYear + s - 1, i + s);
    const episodes = [];
    for (let e = 1; e <= count; e++) {
      episodes.push({
        id: 300_000 + i * 1000 + s * 100 + e,
        name: `Chapter ${e}`,
        overview: `Season ${s}, episode ${e} of ${name}.`,
        air_date: `${airDate.slice(0, 8)}${pad(Math.min(28, e * 3))}`,
        episode_number: e,
        season_number: s,
        runtime: runtime + (e % 3),
        still_path: e % 5 === 0 ? null : `/e${id}s${s}e${e}.jpg`,
        vote_average: round(6.5 + ((e * 7 + s) % 30) / 10, 1),
      });
    }
    episodeTotal += count;
    const season = {
      id: seasonId,
      name: `Season ${s}`,
      overview: `The ${s === 1 ? 'first' : 'next'} chapter of ${name}.`,
      air_date: airDate,
      season_number: s,
      poster_path: `/s${seasonId}.jpg`,
    };
    summaries.push({ ...season, episode_count: count });
    seasons[`${id}/${s}`] = { ...season, episodes };
  }
  return {
    id,
    name,
    original_name: name,
    original_language: LANGUAGES[(i + 1) % LANGUAGES.length]!,
    overview: `${name} tracks the people who keep a small town running.`,
    poster_path: `/t${id}p.jpg`,
    backdrop_path: i % 7 === 6 ? null : `/t${id}b.jpg`,
    first_air_date: date(firstYear, i),
    episode_run_time: [runtime],
    genres: TV_GENRES.filter((g) => genreIds.includes(g.id)),
    popularity: round(800 - i * 17.9, 3),
    vote_average: round(6 + ((i * 29) % 38) / 10, 1),
    vote_count: 50 + i * 41,
    homepage: `https://example.com/series/${id}`,
    networks: [NETWORKS[i % NETWORKS.length]!],
    number_of_seasons: seasonCount,
    number_of_episodes: episodeTotal,
    seasons: summaries,
    status: i % 4 === 0 ? 'Ended' : 'Returning Series',
    credits: credits(people, i + 100),
    reviews: reviews(i + 1, name),
    content_ratings: {
      results: [
        { iso_3166_1: 'US', rating: TV_RATINGS[i % TV_RATINGS.length]! },
        { iso_3166_1: 'GB', rating: '15' },
      ],
    },
  };
}

/** A fresh, independent copy of the whole fixture catalog. */
export function createTmdbFixtures(): TmdbFixtures {
  const people = buildPeople();
  const seasons: Record<string, TmdbSeasonDetails> = {};
  const movies = Array.from({ length: 80 }, (_, i) => buildMovie(i, people));
  const tv = Array.from({ length: 24 }, (_, i) => buildTv(i, people, seasons));
  const byPopularity = [...movies].sort((a, b) => b.popularity - a.popularity);
  const interleave = (m: number[], t: number[]): MediaRef[] =>
    m.flatMap((id, k) => [
      { media_type: 'movie' as const, id },
      ...(t[k] ? [{ media_type: 'tv' as const, id: t[k]! }] : []),
    ]);
  const tvIds = tv.map((s) => s.id);
  return {
    movies,
    tv,
    seasons,
    people,
    lists: {
      popular: byPopularity.slice(0, 60).map((m) => m.id),
      upcoming: movies.filter((m) => m.release_date >= '2030').map((m) => m.id),
      topRated: [...movies]
        .sort((a, b) => b.vote_average - a.vote_average || a.id - b.id)
        .slice(0, 40)
        .map((m) => m.id),
      popularTv: tvIds,
      trendingDay: interleave(
        byPopularity.slice(0, 24).map((m) => m.id),
        tvIds,
      ),
      trendingWeek: interleave(
        byPopularity.slice(10, 30).map((m) => m.id),
        [...tvIds].reverse(),
      ),
    },
    movieGenres: MOVIE_GENRES.map((g) => ({ ...g })),
    tvGenres: TV_GENRES.map((g) => ({ ...g })),
  };
}
