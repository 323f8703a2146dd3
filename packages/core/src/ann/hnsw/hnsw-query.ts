import { ValidationError } from '../../errors.js';
import { sortNeighbors } from '../../kernels/neighbors.js';
import type { IndexSearchOptions, Neighbor } from '../../storage/vector-index.js';
import { exactScan } from '../exact/exact-scan.js';
import type { HnswGraph } from './hnsw-graph.js';
import type { HnswScratch } from './hnsw-scratch.js';
import { knnSearch, type WalkGraph } from './hnsw-search-layer.js';

/**
 * A filtered walk that has visited this fraction of the nodes stops and
 * scans exactly instead. Measured on sift10k (128-d, M = 16): a visit costs
 * 65–90 ns, a scanned row 18 ns (the filter is asked only about would-be
 * results), so past ≈ n/4 visits the scan is the cheaper way; at 1 %
 * selectivity the walk needs ≈ 0.97·n visits, at 50 % ≈ 0.14·n. The
 * quantized walk stops at the same fraction.
 */
export const FILTERED_VISIT_FRACTION = 0.25;

/**
 * The k-NN search of HnswIndex.search (its contract there) over `graph`,
 * walked through `walk` (the graph, or its paged load while pages load:
 * the JS walk that loads what it reaches, same visits, same results), rows
 * [0, `linked`) linked and the rest scanned exactly; `loader.loadAll()` runs
 * before any exact scan. Arguments are positional: this runs per query.
 */
export function searchGraph(
  graph: HnswGraph,
  walk: WalkGraph,
  scratch: HnswScratch,
  best: Float64Array,
  linked: number,
  loader: { loadAll(): void },
  query: Float32Array,
  k: number,
  efSearch: number,
  options: IndexSearchOptions,
): Neighbor[] {
  const { accept } = options;
  if (!(Number.isInteger(efSearch) && efSearch >= 1)) {
    throw new ValidationError('invalid search options', [{ code: 'out_of_range', path: ['efSearch'], message: 'an integer ≥ 1' }]);
  }
  k = Math.min(Math.floor(k), graph.size);
  if (!(k >= 1)) return [];
  const ordered = options.orderedAccept === true;
  if (options.exact === true || linked < k) {
    loader.loadAll();
    return exactScan(graph.rows, scratch.out, query, k, accept, ordered);
  }
  // More candidates than rows buys nothing; the cap also keeps ef an int32 for the kernel.
  const ef = Math.min(Math.max(efSearch, k), linked);
  graph.rows.setQuery(query);
  const maxVisits = accept === undefined ? Infinity : (options.maxVisits ?? linked * FILTERED_VISIT_FRACTION);
  const found = knnSearch(walk, scratch, graph.entryPoint, graph.maxLevel, ef, accept, maxVisits, best);
  // Fewer than k found (or −1, past maxVisits) means the walk ran out of reachable nodes (a filter
  // rejecting most of them, or links pruned away from exact duplicates): the scan returns every row that qualifies.
  if (found < k) {
    loader.loadAll();
    return exactScan(graph.rows, scratch.out, query, k, accept, ordered);
  }
  const f32 = graph.rows.memory.f32;
  const i32 = graph.rows.memory.i32;
  const at = graph.resultsOffset() >> 2;
  const out: Neighbor[] = [];
  for (let i = 0; i < k; i++) out.push({ row: i32[at + 2 * i + 1], distance: f32[at + 2 * i] });
  // Rows not linked yet (at most one batch) are scanned exactly and merged.
  if (linked < graph.size) out.push(...exactScan(graph.rows, scratch.out, query, k, accept, false, linked));
  // Results are ascending by distance; order equal distances by row.
  sortNeighbors(out);
  return out.length > k ? out.slice(0, k) : out;
}
