import { MinHeap } from '../kernels/heap.js';
import type { Part } from '../storage/part.js';

/**
 * The best `limit` of `hits`, highest score first, ties by ascending id (so
 * a ranking does not depend on which part holds a row); empty when `limit`
 * ≤ 0. `hits` may be reordered.
 *
 * A bounded min-heap of `limit` scores finds the limit-th best score in
 * O(n log limit) (the textbook top-k selection); only the hits scoring at
 * least that much, ties at the cut included, are then sorted, so ids are
 * decoded, once each, only for hits that tie among those.
 */
export function topByScore<H extends { part: Part; row: number; score: number }>(hits: H[], limit: number): H[] {
  if (limit <= 0) return [];
  let best = hits;
  if (hits.length > limit) {
    const cut = limitThScore(hits, limit);
    best = hits.filter((h) => h.score >= cut);
  }
  const ids = new Map<H, string>();
  const idOf = (h: H) => {
    let id = ids.get(h);
    if (id === undefined) ids.set(h, (id = h.part.externalId(h.row)));
    return id;
  };
  best.sort((a, b) => b.score - a.score || (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
  return best.length > limit ? best.slice(0, limit) : best;
}

/** The `limit`-th highest score of `hits` (1 ≤ limit ≤ hits.length). */
function limitThScore(hits: readonly { score: number }[], limit: number): number {
  const heap = new MinHeap(limit);
  for (let i = 0; i < hits.length; i++) {
    const score = hits[i].score;
    if (heap.size < limit) heap.push(score, i);
    else if (score > heap.topKey()) {
      heap.pop();
      heap.push(score, i);
    }
  }
  return heap.topKey();
}
