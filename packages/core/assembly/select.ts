// HNSW neighbour selection heuristic (Malkov & Yashunin 2018, Alg. 4, without
// extendCandidates/keepPrunedConnections, as hnswlib's getNeighborsByHeuristic2).
// Runs entirely in WebAssembly so each candidate-vs-selected distance costs no
// JS→WASM call.

import { pair } from './batch';

/**
 * Picks up to `maxM` of `count` candidates (int32 rows at `ids`, float32
 * distances to the new element at `dists`, ascending) and writes them to
 * `out` (int32). A candidate is kept when it is closer to the new element
 * than to every candidate kept before it, which spreads links across
 * directions. Fewer than `maxM` candidates are all kept (as hnswlib). Returns the count.
 */
export function selectNeighbors(
  metric: i32,
  base: usize,
  norms: usize,
  dim: i32,
  ids: usize,
  dists: usize,
  count: i32,
  maxM: i32,
  out: usize,
): i32 {
  if (count < maxM) {
    memory.copy(out, ids, <usize>count << 2);
    return count;
  }
  let kept = 0;
  for (let i = 0; i < count && kept < maxM; i++) {
    const candidate = load<i32>(ids + (<usize>i << 2));
    const toNew = load<f32>(dists + (<usize>i << 2));
    let good = true;
    for (let j = 0; j < kept; j++) {
      const other = load<i32>(out + (<usize>j << 2));
      if (pair(metric, base, norms, dim, candidate, other) < toNew) {
        good = false;
        break;
      }
    }
    if (good) {
      store<i32>(out + (<usize>kept << 2), candidate);
      kept++;
    }
  }
  return kept;
}
