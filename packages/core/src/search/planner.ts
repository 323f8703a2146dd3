/**
 * Filtered-search planner: for one searchable part of a collection (the
 * memtable or a segment) and one filter, picks the cheapest of
 *
 * - exact, storage order: score every row with the SIMD scan and ask the
 *   filter about each row that would enter the current top k (nearly every
 *   row when few pass);
 * - exact, distance order: score every row, then ask the filter about rows
 *   in ascending distance until k pass (≈ k / s questions at selectivity s,
 *   for a heap; see ann/exact/exact-scan.ts);
 * - graph: the filtered HNSW walk, which admits only passing rows into its
 *   results but crosses the others, and visits more nodes the fewer pass,
 *
 * from the selectivity measured on a seeded sample of rows. A graph walk gets
 * a visit budget worth the best exact plan's cost; past it the index falls
 * back to that plan (the memoized filter answers carry over), so a bad
 * estimate costs at most about twice the better plan.
 *
 * Costs are in nanoseconds, measured on this project's machine (sift10k and
 * generated-100k, 128-d, M = 16, bench/filtered.ts); only ratios matter.
 */

import { ORDERED_SHARE } from '../ann/exact/exact-scan.js';
import { SeededRandom } from '../kernels/seeded-random.js';

/** Rows sampled per source to estimate selectivity. */
export const SAMPLE_ROWS = 32;
/** Seed of the sample: fixed, so plans are reproducible. */
export const SAMPLE_SEED = 0x5eed;
/** One filter question: MessagePack decode of the row's metadata + predicate (0.44 µs measured on sift10k). */
const FILTER_NS = 500;
/** Per row of the distance-ordered scan beyond its distance: distance and row arrays, heap build. */
const ORDERED_ROW_NS = 20;
/** Per heap level of one pop in the distance-ordered scan (≈ 230 ns per pop at 10k rows). */
const POP_LEVEL_NS = 17;
/** Graph nodes visited per efSearch when every row passes (measured 10–13 at ef 16…256). */
const VISITS_PER_EF = 11;
/** Visits grow as s^−0.8 as selectivity s falls (measured 0.79–0.84 at s = 0.1 and 0.01). */
const VISIT_GROWTH = 0.8;
/** Share of visited nodes the walk asks the filter about (those that beat its current bound; 0.22–0.39 measured). */
const ASKED_PER_VISIT = 0.3;

/** One row of an exact scan: its SIMD distance plus the top-k bookkeeping (≈ 47 ns at 128-d, sift10k). */
function scanNs(dim: number): number {
  return 20 + 0.2 * dim;
}

/** One graph visit: a distance at a random row plus visited-tag and heap work (65–90 ns at 128-d). */
function visitNs(dim: number): number {
  return 30 + 0.35 * dim;
}

export interface PlanInput {
  /** Rows the source holds (live or not). */
  rows: number;
  dimension: number;
  k: number;
  efSearch: number;
  /** Estimated fraction of rows that pass the filter, in (0, 1]. */
  selectivity: number;
  /** Whether the source has a graph to walk (a small memtable is exact only). */
  graph: boolean;
}

/**
 * `ordered`: an exact scan (the plan, or a walk's fallback) asks the filter
 * in distance order. `maxVisits`: the walk's budget.
 */
export type Plan = { strategy: 'exact'; ordered: boolean } | { strategy: 'graph'; ordered: boolean; maxVisits: number };

/** The cheapest plan for one source; see the file comment. */
export function planFilteredSearch(input: PlanInput): Plan {
  const { rows, dimension, k, efSearch, graph } = input;
  const s = Math.min(1, Math.max(input.selectivity, 1 / Math.max(rows, 1)));
  const wanted = Math.max(k, 1);
  const scan = rows * scanNs(dimension);
  // Ordered: rank of the k-th passing row ≈ k / s, each a pop and a question.
  const orderedAsks = Math.min(rows, wanted / s);
  const orderedNs = scan + rows * ORDERED_ROW_NS + orderedAsks * (POP_LEVEL_NS * Math.log2(rows + 1) + FILTER_NS);
  // Storage order: row i is asked when it beats the k-th of the ≈ s·i passing rows before it,
  // with probability ≈ k / (s·i): Σ ≈ (k / s)·(1 + ln(n·s / k)) questions, at most every row.
  const storageAsks = rows * s <= wanted ? rows : Math.min(rows, (wanted / s) * (1 + Math.log((rows * s) / wanted)));
  const storageNs = scan + storageAsks * FILTER_NS;
  // Past ORDERED_SHARE of the rows the ordered scan finishes in storage order anyway.
  const ordered = orderedAsks <= rows * ORDERED_SHARE && orderedNs < storageNs;
  const exactNs = Math.min(orderedNs, storageNs);
  if (!graph) return { strategy: 'exact', ordered };
  const ef = Math.max(efSearch, k);
  const visits = Math.min(rows, VISITS_PER_EF * ef * s ** -VISIT_GROWTH);
  const perVisitNs = visitNs(dimension) + ASKED_PER_VISIT * FILTER_NS;
  if (visits * perVisitNs >= exactNs) return { strategy: 'exact', ordered };
  return { strategy: 'graph', ordered, maxVisits: Math.max(ef, Math.floor(exactNs / perVisitNs)) };
}

/**
 * Fraction of `rows` that `accept` admits, from {@link SAMPLE_ROWS} rows
 * drawn uniformly (with replacement) by a generator seeded with
 * {@link SAMPLE_SEED}, or from every row when there are no more than that:
 * the same data and filter always give the same estimate, hence the same
 * plan and results. A sample where none pass gives half a row's share, not
 * 0: "rare", not "never".
 */
export function estimateSelectivity(rows: number, accept: (row: number) => boolean): number {
  if (rows === 0) return 1;
  let passed = 0;
  if (rows <= SAMPLE_ROWS) {
    for (let row = 0; row < rows; row++) if (accept(row)) passed++;
    return Math.max(passed, 0.5) / rows;
  }
  const random = new SeededRandom(SAMPLE_SEED);
  for (let i = 0; i < SAMPLE_ROWS; i++) if (accept(Math.floor(random.next() * rows))) passed++;
  return Math.max(passed, 0.5) / SAMPLE_ROWS;
}
