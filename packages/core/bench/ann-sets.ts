/**
 * The data sets of bench/ann.ts: three real sets from ../shared/data and two
 * generated ones (bench/generated-data.ts), with the exact top-k each query
 * is scored against.
 */
import { FlatIndex } from '../src/ann/exact/flat.js';
import type { Metric } from '../src/types.js';
import { loadDataset, recallAtK, referenceDistance, type DatasetName } from '../test/helpers/datasets.js';
import { generateClusteredSet } from './generated-data.js';

export type BenchSetName = DatasetName | 'generated-100k' | 'generated-1m';

export interface BenchSetSpec {
  name: BenchSetName;
  metric: Metric;
  /** Real data from ../shared/data, or generated (labelled so in every report). */
  source: 'real' | 'generated';
  /** Queries the brute-force baselines answer (all for the graph engines). */
  exactQueries: number;
}

/** HNSW parameters of every graph engine in the benches (hnswlib-node's defaults for M and efConstruction; a fixed level seed). */
export const BENCH_HNSW_PARAMS = { M: 16, efConstruction: 200, seed: 42 } as const;

export const BENCH_SETS: readonly BenchSetSpec[] = [
  { name: 'sift10k', metric: 'l2', source: 'real', exactQueries: 100 },
  { name: 'glove25', metric: 'cosine', source: 'real', exactQueries: 1000 },
  { name: 'scifact-bge', metric: 'cosine', source: 'real', exactQueries: 500 },
  { name: 'generated-100k', metric: 'l2', source: 'generated', exactQueries: 100 },
  { name: 'generated-1m', metric: 'l2', source: 'generated', exactQueries: 10 },
];

/** A loaded set: row-major float32 base and queries. */
export interface BenchSet {
  spec: BenchSetSpec;
  dim: number;
  base: Float32Array;
  queries: Float32Array;
  rows: number;
  queryCount: number;
  /** Where the exact top-k comes from. */
  truthSource: 'shipped' | 'computed';
}

const GENERATED_ROWS: Record<string, number> = { 'generated-100k': 100_000, 'generated-1m': 1_000_000 };

/** {@link loadBenchSet} of the set called `name`; throws for a name not in BENCH_SETS. */
export function loadBenchSetNamed(name: string): BenchSet {
  const spec = BENCH_SETS.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown set ${name}; sets: ${BENCH_SETS.map((s) => s.name).join(', ')}`);
  return loadBenchSet(spec);
}

/**
 * recall@k of `search` over the first `queryCount` queries of `set`
 * against `truth` ({@link exactTopK}'s k rows per query).
 */
export function recallAgainst(set: BenchSet, truth: Int32Array, queryCount: number, k: number, search: (query: Float32Array) => Iterable<{ row: number }>): number {
  let hits = 0;
  for (let q = 0; q < queryCount; q++) {
    const want = new Set(truth.subarray(q * k, (q + 1) * k));
    for (const n of search(set.queries.subarray(q * set.dim, (q + 1) * set.dim))) if (want.has(n.row)) hits++;
  }
  return hits / (queryCount * k);
}

/** Loads (or generates, deterministically) the set `spec` names. */
export function loadBenchSet(spec: BenchSetSpec): BenchSet {
  if (spec.source === 'generated') {
    const g = generateClusteredSet(GENERATED_ROWS[spec.name], 1000);
    return { spec, dim: g.dim, base: g.base, queries: g.queries, rows: g.baseCount, queryCount: g.queryCount, truthSource: 'computed' };
  }
  const name = spec.name as DatasetName;
  // scifact-bge ships inner-product truth only; its cosine truth is computed below.
  const ds = loadDataset(name, name === 'scifact-bge' ? 'ip' : spec.metric);
  return {
    spec,
    dim: ds.dim,
    base: ds.base.data,
    queries: ds.queries.data,
    rows: ds.base.count,
    queryCount: ds.queries.count,
    truthSource: name === 'scifact-bge' ? 'computed' : 'shipped',
  };
}

/**
 * The exact top `k` rows of every query (queryCount × k, row-major): the
 * shipped ground truth where it exists for the metric, else an exact scan
 * (OmenDB's FlatIndex; recall@k then counts distance ties as hits).
 */
export function exactTopK(set: BenchSet, k: number): Int32Array {
  const out = new Int32Array(set.queryCount * k);
  if (set.truthSource === 'shipped') {
    const truth = loadDataset(set.spec.name as DatasetName, set.spec.metric).groundTruth;
    for (let q = 0; q < set.queryCount; q++) out.set(truth.data.subarray(q * truth.dim, q * truth.dim + k), q * k);
    return out;
  }
  const flat = FlatIndex.fromVectors(set.dim, set.spec.metric, set.base);
  for (let q = 0; q < set.queryCount; q++) {
    const hits = flat.search(set.queries.subarray(q * set.dim, (q + 1) * set.dim), k);
    hits.forEach((hit, i) => (out[q * k + i] = hit.row));
  }
  flat.dispose();
  return out;
}

/**
 * Mean recall@k over the first `found.length` queries of `set`: `found[q]`
 * holds the rows an engine returned for query q, `truth` is
 * {@link exactTopK}'s (recallAtK, which counts distance ties as hits).
 */
export function meanRecall(set: BenchSet, truth: Int32Array, found: readonly ArrayLike<number>[], k: number): number {
  const { dim, base, queries } = set;
  let sum = 0;
  found.forEach((rows, q) => {
    const query = queries.subarray(q * dim, (q + 1) * dim);
    const distance = (row: number) => referenceDistance(set.spec.metric, base.subarray(row * dim, (row + 1) * dim), query);
    sum += recallAtK(Array.from(rows), truth.subarray(q * k, (q + 1) * k), k, distance);
  });
  return sum / found.length;
}
