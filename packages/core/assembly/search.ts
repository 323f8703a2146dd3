// HNSW SEARCH-LAYER on level 0 (Malkov & Yashunin 2018, Alg. 2), entirely in
// WebAssembly: links, visited tags, vectors, query and both heaps live in
// linear memory, so a search makes no JS call except the optional filter.

import { METRIC_COSINE, metricDistance } from './distance';
import { maxPop, maxPush, minPop, minPush, sortMaxHeap, topId, topKey } from './heap';

/** The host's row filter for the current search: non-zero = accepted. */
@external('env', 'accept')
declare function accept(row: i32): i32;

/**
 * Searches level 0 from `entry` for the `ef` nearest rows to the query.
 * Layout: level-0 block of row r at `links + r·stride0·4` as
 * [degree, neighbours…] (int32); visited tag of r at `visited + r·4`. `cand`
 * and `res` each need 8 bytes per row. With `filtered` ≠ 0 only rows
 * `accept` admits enter the results, but every row is still expanded.
 *
 * Returns the rows visited, or −1 once that passes `maxVisits`. On success
 * the results are left at `res` as (distance f32, row i32) pairs sorted
 * ascending, their count returned by {@link resultCount}.
 */
export function searchLevel0(
  metric: i32,
  query: usize,
  queryInv: f32,
  base: usize,
  norms: usize,
  dim: i32,
  links: usize,
  stride0: i32,
  visited: usize,
  tag: i32,
  entry: i32,
  entryDistance: f32,
  ef: i32,
  filtered: i32,
  maxVisits: i32,
  cand: usize,
  res: usize,
): i32 {
  const rowBytes = <usize>dim << 2;
  const blockBytes = <usize>stride0 << 2;
  const cosine = metric == METRIC_COSINE;
  let nc = 0;
  let nr = 0;
  store<i32>(visited + (<usize>entry << 2), tag);
  minPush(cand, nc++, entryDistance, entry);
  if (filtered == 0 || accept(entry) != 0) maxPush(res, nr++, entryDistance, entry);
  let bound: f32 = nr > 0 ? topKey(res) : Infinity;
  let visits = 1;
  while (nc > 0) {
    if (topKey(cand) > bound && nr >= ef) break;
    const node = topId(cand);
    minPop(cand, nc--);
    const block = links + <usize>node * blockBytes;
    const degree = load<i32>(block);
    for (let j = 1; j <= degree; j++) {
      const neighbour = load<i32>(block + (<usize>j << 2));
      const mark = visited + (<usize>neighbour << 2);
      if (load<i32>(mark) == tag) continue;
      store<i32>(mark, tag);
      visits++;
      const inv: f32 = cosine ? load<f32>(norms + (<usize>neighbour << 2)) : 1;
      const d = metricDistance(metric, base + <usize>neighbour * rowBytes, query, inv, queryInv, dim);
      if (nr >= ef && !(d < bound)) continue;
      minPush(cand, nc++, d, neighbour);
      if (filtered != 0 && accept(neighbour) == 0) continue;
      maxPush(res, nr++, d, neighbour);
      if (nr > ef) maxPop(res, nr--);
      bound = topKey(res);
    }
    if (visits > maxVisits) return -1;
  }
  sortMaxHeap(res, nr);
  found = nr;
  return visits;
}

let found: i32 = 0;

/** Number of results the last successful {@link searchLevel0} left at `res`. */
export function resultCount(): i32 {
  return found;
}
