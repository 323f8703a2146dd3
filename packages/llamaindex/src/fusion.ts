/**
 * Relative-score fusion of a dense and a text ranking, as LlamaIndex's
 * hybrid retrieval weighs them (its `relative_score_fusion`; Weaviate's
 * `relativeScoreFusion`): each list's scores are min-max normalised to
 * [0, 1] over that list, then a record scores
 * `alpha · dense + (1 − alpha) · text`, a list it is missing from counting 0.
 * `alpha` = 1 is the dense ranking alone, 0 the text ranking alone.
 */

/** One ranked list: ids best first, with scores where higher is better. */
export interface ScoredList {
  ids: string[];
  scores: number[];
}

/** One fused result. */
export interface FusedHit {
  id: string;
  /** The fused score, 0…1. */
  score: number;
}

/**
 * The fusion of `dense` and `text` with dense weight `alpha` (0…1), best
 * first, every record of either list once. A list whose scores are all equal
 * normalises to 1 (each of its records is its best). Ties go to the better
 * position in the more heavily weighted list (dense when alpha ≥ 0.5), then
 * in the other, then to the smaller id, so the order is deterministic and
 * alpha = 1 (0) reproduces the dense (text) order exactly.
 */
export function relativeScoreFusion(dense: ScoredList, text: ScoredList, alpha: number): FusedHit[] {
  const entries = new Map<string, { score: number; denseRank: number; textRank: number }>();
  const add = (list: ScoredList, weight: number, which: 'denseRank' | 'textRank') => {
    const normalised = minMax(list.scores);
    list.ids.forEach((id, rank) => {
      let entry = entries.get(id);
      if (!entry) entries.set(id, (entry = { score: 0, denseRank: Infinity, textRank: Infinity }));
      if (entry[which] !== Infinity) return;
      entry[which] = rank;
      entry.score += weight * normalised[rank];
    });
  };
  add(dense, alpha, 'denseRank');
  add(text, 1 - alpha, 'textRank');
  const [first, second] = alpha >= 0.5 ? (['denseRank', 'textRank'] as const) : (['textRank', 'denseRank'] as const);
  return [...entries.entries()]
    .sort(([idA, a], [idB, b]) => b.score - a.score || a[first] - b[first] || a[second] - b[second] || (idA < idB ? -1 : idA > idB ? 1 : 0))
    .map(([id, e]) => ({ id, score: e.score }));
}

function minMax(scores: number[]): number[] {
  let min = Infinity;
  let max = -Infinity;
  for (const s of scores) {
    if (s < min) min = s;
    if (s > max) max = s;
  }
  const range = max - min;
  return scores.map((s) => (range > 0 ? (s - min) / range : 1));
}
