// Behaviour of the recommendation model on a small synthetic catalog: cold start, genre shifts,
// exclusions, maturity filtering, reasons, diversification, neighbour properties and determinism.
import t from 'tap';
import { genreWeights } from '../services/recommendations/genre-profile.ts';
import {
  buildNeighbours,
  diversify,
  neighboursFromRows,
  neighboursOf,
  preparePopularity,
  scoreProfile,
  type Interaction,
  type Neighbours,
} from '../services/recommendations/model.ts';

const ACTION = 28;
const COMEDY = 35;
const DRAMA = 18;
// Items 0-3 action, 4-7 comedy, 8-10 drama, 11 an adult action title.
const itemGenres = [
  [ACTION],
  [ACTION],
  [ACTION],
  [ACTION],
  [COMEDY],
  [COMEDY],
  [COMEDY],
  [COMEDY],
  [DRAMA],
  [DRAMA],
  [DRAMA],
  [ACTION],
];
const ITEMS = itemGenres.length;
// Drama is by far the most popular genre, so genre preferences must beat raw popularity.
const popularity = [10, 8, 6, 4, 9, 7, 5, 3, 100, 90, 80, 7];
const ADULT = 11;
const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1);

const seq = (items: number[], weight = 1, start = NOW - 30 * DAY): Interaction[] =>
  items.map((item, n) => ({ item, weight, at: start + n * DAY }));

// Clusters watched together: action fans (with the adult title), comedy fans, drama fans.
const community: Interaction[][] = [];
for (let p = 0; p < 10; p++) {
  community.push(seq(p % 2 ? [0, 1, 11, 2] : [1, 0, 2, 11, 3]));
  community.push(seq(p % 2 ? [4, 5, 6] : [5, 4, 7, 6]));
  community.push(seq(p % 2 ? [8, 9] : [9, 10, 8]));
}
const neighbours = buildNeighbours(community, ITEMS, { k: ITEMS });

const score = (over: Partial<Parameters<typeof scoreProfile>[0]> = {}) =>
  scoreProfile({
    interactions: [],
    declaredGenres: [],
    neighbours,
    itemGenres,
    popularity,
    now: NOW,
    limit: ITEMS,
    ...over,
  });

t.test('declared genres dominate cold start', async (t) => {
  const recs = score({ declaredGenres: [COMEDY], limit: 4 });
  t.same(recs.map((r) => r.item).sort(), [4, 5, 6, 7], 'the four comedies lead, despite popular dramas');
  t.equal(recs[0]!.item, 4, 'most popular comedy first');
  for (const r of recs) {
    t.equal(r.reasons.genre, COMEDY);
    t.equal(r.reasons.because, null, 'nothing watched, so no "because you watched"');
    t.equal(r.reasons.primary, 'genre');
    t.ok(r.confidence > 0 && r.confidence <= 1);
  }
});

t.test('watching and liking shifts the genre weights', async (t) => {
  const before = genreWeights([], [COMEDY], itemGenres, NOW, { declaredWeight: 1, halfLifeDays: 30 });
  t.equal(before.get(ACTION) ?? 0, 0);
  const watched = seq([0, 1, 2, 3], 1, NOW - 4 * DAY).map((x) => ({ ...x }));
  const after = genreWeights(watched, [COMEDY], itemGenres, NOW, { declaredWeight: 1, halfLifeDays: 30 });
  t.ok(after.get(ACTION)! > after.get(COMEDY)!, 'four recent action titles outweigh one declared genre');

  const old = seq([0, 1, 2, 3], 1, NOW - 400 * DAY);
  const faded = genreWeights(old, [COMEDY], itemGenres, NOW, { declaredWeight: 1, halfLifeDays: 30 });
  t.ok(faded.get(ACTION)! < faded.get(COMEDY)!, 'signals a year old have decayed below the declared genre');

  // Without similarity, the action titles left over now outrank the declared comedies.
  const recs = score({
    declaredGenres: [COMEDY],
    interactions: seq([0, 1, 2], 1, NOW - 3 * DAY),
    options: { similarityWeight: 0 },
  });
  t.same(
    recs.slice(0, 2).map((r) => r.reasons.genre),
    [ACTION, ACTION],
  );
  t.equal(recs[2]!.reasons.genre, COMEDY);
});

t.test('items interacted with, disliked or excluded never come back', async (t) => {
  const interactions = [...seq([0, 5]), { item: 9, weight: -1, at: NOW - DAY }];
  const recs = score({ interactions, declaredGenres: [DRAMA], exclude: new Set([4]) });
  const items = new Set(recs.map((r) => r.item));
  for (const gone of [0, 5, 9, 4]) t.notOk(items.has(gone), `item ${gone} is absent`);
  t.equal(recs.length, ITEMS - 4, 'every other item is still ranked');
});

t.test('a dislike pushes down what resembles it', async (t) => {
  const liked = score({ interactions: seq([4, 2]) });
  t.equal(itemGenres[liked[0]!.item]![0], ACTION, 'the last watched action title leads');
  const disliked = score({ interactions: [...seq([4, 2]), { item: 0, weight: -1, at: NOW }] });
  t.equal(itemGenres[disliked[0]!.item]![0], COMEDY, 'after disliking an action title, comedies lead');
});

t.test('allowed() filters, e.g. the adult title for a teen profile', async (t) => {
  const interactions = seq([0, 1, 2]);
  const open = score({ interactions, limit: 3 });
  t.ok(
    open.some((r) => r.item === ADULT),
    'without a filter the adult title is a top pick',
  );
  const teen = score({ interactions, allowed: (item) => item !== ADULT });
  t.notOk(
    teen.some((r) => r.item === ADULT),
    'never returned when not allowed',
  );
});

t.test('"because you watched" names an item the profile interacted with', async (t) => {
  const interactions = seq([8, 0, 1]);
  const recs = score({ interactions });
  const own = new Set(interactions.map((x) => x.item));
  const explained = recs.filter((r) => r.reasons.because !== null);
  t.ok(explained.length > 0);
  for (const r of explained) t.ok(own.has(r.reasons.because!), `reason for ${r.item} is a watched item`);
  t.equal(recs[0]!.reasons.primary, 'similar');
  t.equal(itemGenres[recs[0]!.item]![0], ACTION, 'the last watched titles (action) weigh most');
  t.ok(own.has(recs[0]!.reasons.because!) && [0, 1].includes(recs[0]!.reasons.because!));
});

t.test('diversify limits one collection and spreads genres', async (t) => {
  const ranked = [0, 1, 2, 3, 4, 5, 8].map((item, n) => ({ item, score: 1 - n * 0.01 }));
  const franchise = (item: number) => (item <= 3 ? 'saga' : null);
  const capped = diversify(ranked, { limit: 4, collectionOf: franchise, maxPerCollection: 1, itemGenres });
  t.equal(capped.filter((r) => r.item <= 3).length, 1, 'one title of the saga');
  t.equal(capped[0]!.item, 0, 'the best one leads');
  t.equal(capped.length, 4);

  const spread = diversify(ranked, { limit: 3, itemGenres, genreRedundancy: 0.5 });
  t.equal(new Set(spread.map((r) => itemGenres[r.item]![0])).size, 3, 'three genres in three slots');
  t.same(
    diversify(ranked, { limit: 3, genreRedundancy: 0 }).map((r) => r.item),
    [0, 1, 2],
    'no penalty keeps score order',
  );
});

t.test('neighbours are normalised, sorted and symmetric', async (t) => {
  const problems: string[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const list = neighboursOf(neighbours, i);
    for (let n = 0; n < list.length; n++) {
      const { item: j, score: s } = list[n]!;
      if (j === i) problems.push(`${i} is its own neighbour`);
      if (s <= 0 || s > 1) problems.push(`score ${s} of ${i}->${j} outside (0, 1]`);
      if (n > 0 && list[n - 1]!.score < s) problems.push(`row ${i} not sorted`);
      const back = neighboursOf(neighbours, j).find((e) => e.item === i);
      if (!back || Math.abs(back.score - s) > 1e-6) problems.push(`${i}<->${j} not symmetric`);
    }
  }
  t.same(problems, [], 'no self pairs, scores in (0, 1], rows sorted, pairs symmetric');
  t.same(
    neighboursOf(neighbours, 8)
      .map((e) => e.item)
      .sort((a, b) => a - b),
    [9, 10],
    'dramas pair only with dramas',
  );

  const small = buildNeighbours(community, ITEMS, { k: 2 });
  const longest = Math.max(...Array.from({ length: ITEMS }, (_, i) => neighboursOf(small, i).length));
  t.equal(longest, 2, 'k caps each row');

  const rows = [];
  for (let i = 0; i < ITEMS; i++)
    for (const e of neighboursOf(neighbours, i)) rows.push({ item: i, neighbour: e.item, score: e.score });
  const restored: Neighbours = neighboursFromRows(rows.reverse(), ITEMS);
  t.same(restored, neighbours, 'stored rows restore the same lists');
});

t.test('only the most recent items of a profile pair up', async (t) => {
  const long = [seq([0, 1, 2, 3, 4, 5, 6, 7])];
  const capped = buildNeighbours(long, ITEMS, { recentPerProfile: 3 });
  t.same(neighboursOf(capped, 0), [], 'an old item falls out of the window');
  t.same(
    neighboursOf(capped, 7)
      .map((e) => e.item)
      .sort((a, b) => a - b),
    [5, 6],
  );
});

t.test('output is deterministic', async (t) => {
  const interactions = seq([0, 4, 8, 1]);
  const prior = preparePopularity(popularity);
  const a = score({ interactions, declaredGenres: [DRAMA] });
  const b = score({ interactions: [...interactions].reverse(), declaredGenres: [DRAMA], popularity: prior });
  t.same(a, b, 'same ranking regardless of input order or prepared popularity');
  const shuffled = community.map((p) => [...p].reverse()).reverse();
  t.same(buildNeighbours(shuffled, ITEMS, { k: ITEMS }).ids.length, neighbours.ids.length);
  const tieScores = score({ options: { similarityWeight: 0, genreWeight: 0, popularityWeight: 0 }, limit: 3 });
  t.same(
    tieScores.map((r) => r.item),
    [0, 1, 2],
    'ties break on the lower item index',
  );
});
