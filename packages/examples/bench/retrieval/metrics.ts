/**
 * Ranking metrics as BEIR reports them (Thakur et al. 2021): nDCG@k with
 * linear gains (Järvelin & Kekäläinen 2002) and recall@k, over doc ids.
 */

/** nDCG@k of `ranked` (doc ids, best first) against graded judgements; 0 when nothing is relevant. */
export function ndcgAtK(ranked: readonly string[], relevant: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    dcg += (relevant.get(id) ?? 0) / Math.log2(i + 2);
  });
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((sum, gain, i) => sum + gain / Math.log2(i + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Share of the relevant docs found in the top `k` of `ranked`. */
export function recallAtK(ranked: readonly string[], relevant: ReadonlyMap<string, number>, k: number): number {
  if (relevant.size === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  let found = 0;
  for (const id of relevant.keys()) if (top.has(id)) found++;
  return found / relevant.size;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}
