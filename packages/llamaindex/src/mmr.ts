/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998): picks results one
 * at a time, each maximising
 * `λ · relevance(d) − (1 − λ) · max_{s picked} cosine(d, s)`,
 * so a candidate close to one already picked loses to a slightly less
 * relevant but different one. Relevance is the store's similarity to the
 * query (see `similarity.ts`), redundancy the cosine similarity of the stored
 * vectors. λ = 1 keeps the relevance order; λ = 0 picks the most relevant
 * first, then by diversity alone.
 */

/** One candidate: its relevance to the query (higher is better) and its vector. */
export interface MmrCandidate {
  relevance: number;
  embedding: number[];
}

/**
 * Indexes into `candidates` of the `k` picked, in pick order. Ties go to
 * the earlier candidate (callers pass them best first). `lambda` in 0…1.
 */
export function maximalMarginalRelevance(candidates: MmrCandidate[], k: number, lambda: number): number[] {
  const norms = candidates.map((c) => Math.sqrt(dot(c.embedding, c.embedding)));
  // The largest cosine to any picked candidate, updated after each pick.
  const redundancy = new Float64Array(candidates.length).fill(-Infinity);
  const picked: number[] = [];
  const taken = new Uint8Array(candidates.length);
  while (picked.length < Math.min(k, candidates.length)) {
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue;
      const penalty = picked.length === 0 ? 0 : redundancy[i];
      const score = lambda * candidates[i].relevance - (1 - lambda) * penalty;
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    picked.push(best);
    taken[best] = 1;
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue;
      const cos = cosine(candidates[i].embedding, candidates[best].embedding, norms[i], norms[best]);
      if (cos > redundancy[i]) redundancy[i] = cos;
    }
  }
  return picked;
}

function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function cosine(a: number[], b: number[], normA: number, normB: number): number {
  return normA === 0 || normB === 0 ? 0 : dot(a, b) / (normA * normB);
}
