// Bounded best-k selection over (item, score) pairs, shared by neighbour building and profile scoring.
// Ties break on the lower item index so that every ranking the model produces is deterministic.

export interface TopK {
  readonly k: number;
  size: number;
  readonly ids: Int32Array;
  readonly scores: Float64Array;
}

export function createTopK(k: number): TopK {
  return { k, size: 0, ids: new Int32Array(Math.max(1, k)), scores: new Float64Array(Math.max(1, k)) };
}

/** True when (aScore, aId) ranks below (bScore, bId). */
const worse = (aScore: number, aId: number, bScore: number, bId: number): boolean =>
  aScore < bScore || (aScore === bScore && aId > bId);

/** Whether an offer would be kept; lets callers skip costly checks (filters) for items that cannot enter. */
export function wouldEnter(h: TopK, id: number, score: number): boolean {
  return h.k > 0 && (h.size < h.k || worse(h.scores[0]!, h.ids[0]!, score, id));
}

/** Offers a candidate; the heap root is always the worst one kept. */
export function offer(h: TopK, id: number, score: number): void {
  if (h.k <= 0) return;
  const { ids, scores } = h;
  if (h.size < h.k) {
    let i = h.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(score, id, scores[parent]!, ids[parent]!)) break;
      ids[i] = ids[parent]!;
      scores[i] = scores[parent]!;
      i = parent;
    }
    ids[i] = id;
    scores[i] = score;
    return;
  }
  if (!worse(scores[0]!, ids[0]!, score, id)) return;
  // Replace the root and sift down.
  let i = 0;
  const n = h.size;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const c = r < n && worse(scores[r]!, ids[r]!, scores[l]!, ids[l]!) ? r : l;
    if (!worse(scores[c]!, ids[c]!, score, id)) break;
    ids[i] = ids[c]!;
    scores[i] = scores[c]!;
    i = c;
  }
  ids[i] = id;
  scores[i] = score;
}

/** Empties the heap into best-first order and resets it for reuse. */
export function drain(h: TopK): Array<{ id: number; score: number }> {
  const out: Array<{ id: number; score: number }> = [];
  for (let i = 0; i < h.size; i++) out.push({ id: h.ids[i]!, score: h.scores[i]! });
  h.size = 0;
  out.sort((a, b) => b.score - a.score || a.id - b.id);
  return out;
}
