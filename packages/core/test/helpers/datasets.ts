/**
 * Readers for the real vector sets in ../shared/data (see its README): texmex
 * `.fvecs` / `.ivecs` files, where each record is a little-endian int32 `dim`
 * followed by `dim` float32 (fvecs) or int32 (ivecs) values. Files are read at
 * run time from the shared folder and never copied into the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metric } from '../../src/types.js';

/** Root of the shared data; override with OMENDB_DATA_DIR. */
export const DATA_DIR =
  process.env.OMENDB_DATA_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data');

/** Row-major records of equal dimension. */
export interface VecsFile<T extends Float32Array | Int32Array> {
  dim: number;
  count: number;
  /** count × dim values. */
  data: T;
}

function readVecs(path: string): { dim: number; count: number; bytes: Buffer } {
  const bytes = readFileSync(path);
  if (bytes.length < 4) throw new Error(`${path}: empty vecs file`);
  const dim = bytes.readInt32LE(0);
  const recordBytes = 4 + dim * 4;
  if (dim <= 0 || bytes.length % recordBytes !== 0) {
    throw new Error(`${path}: ${bytes.length} bytes is not a whole number of ${dim}-d records`);
  }
  const count = bytes.length / recordBytes;
  for (let r = 0; r < count; r++) {
    const d = bytes.readInt32LE(r * recordBytes);
    if (d !== dim) throw new Error(`${path}: record ${r} has dim ${d}, expected ${dim}`);
  }
  return { dim, count, bytes };
}

/** Reads a `.fvecs` file into one Float32Array (copied out of the record framing). */
export function readFvecs(path: string): VecsFile<Float32Array> {
  const { dim, count, bytes } = readVecs(path);
  const data = new Float32Array(count * dim);
  for (let r = 0; r < count; r++) {
    const at = r * (4 + dim * 4) + 4;
    for (let i = 0; i < dim; i++) data[r * dim + i] = bytes.readFloatLE(at + i * 4);
  }
  return { dim, count, data };
}

/** Reads a `.ivecs` file into one Int32Array. */
export function readIvecs(path: string): VecsFile<Int32Array> {
  const { dim, count, bytes } = readVecs(path);
  const data = new Int32Array(count * dim);
  for (let r = 0; r < count; r++) {
    const at = r * (4 + dim * 4) + 4;
    for (let i = 0; i < dim; i++) data[r * dim + i] = bytes.readInt32LE(at + i * 4);
  }
  return { dim, count, data };
}

/** The sets usable while building (never `acceptance/`). */
export type DatasetName = 'sift10k' | 'glove25' | 'scifact-bge';

/** Base vectors, queries and exact top-100 ground truth for one metric. */
export interface Dataset {
  name: DatasetName;
  metric: Metric;
  dim: number;
  base: VecsFile<Float32Array>;
  queries: VecsFile<Float32Array>;
  /** queries.count × 100 base rows, nearest first. */
  groundTruth: VecsFile<Int32Array>;
}

const FILES: Record<DatasetName, { base: string; query: string; truth: Partial<Record<Metric, string>> }> = {
  sift10k: { base: 'base.fvecs', query: 'query.fvecs', truth: { l2: 'groundtruth.l2.top100.ivecs' } },
  glove25: {
    base: 'base.fvecs',
    query: 'query.fvecs',
    truth: { cosine: 'groundtruth.cosine.top100.ivecs', l2: 'groundtruth.l2.top100.ivecs' },
  },
  // The queries are L2-normalised and the corpus nearly so (decoded from PQ):
  // its inner-product ground truth is the cosine ranking up to that decoding error.
  'scifact-bge': { base: 'corpus.fvecs', query: 'query.fvecs', truth: { ip: 'groundtruth.ip.top100.ivecs' } },
};

/** True when the shared folder holds `name`. */
export function hasDataset(name: DatasetName): boolean {
  return existsSync(join(DATA_DIR, name, FILES[name].base));
}

/** Loads `name` with the ground truth of `metric`; throws if the set has none for it. */
export function loadDataset(name: DatasetName, metric: Metric): Dataset {
  const files = FILES[name];
  const truthFile = files.truth[metric];
  if (truthFile === undefined) throw new Error(`${name} has no ${metric} ground truth`);
  const dir = join(DATA_DIR, name);
  const base = readFvecs(join(dir, files.base));
  const queries = readFvecs(join(dir, files.query));
  const groundTruth = readIvecs(join(dir, truthFile));
  if (queries.dim !== base.dim || groundTruth.count !== queries.count) {
    throw new Error(`${name}: inconsistent files (dims ${base.dim}/${queries.dim}, truth rows ${groundTruth.count})`);
  }
  return { name, metric, dim: base.dim, base, queries, groundTruth };
}

/** Float64 reference distance following `Metric` (l2 squared, ip 1 − dot, cosine 1 − cos). */
export function referenceDistance(metric: Metric, a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
    const d = a[i] - b[i];
    l2 += d * d;
  }
  if (metric === 'l2') return l2;
  if (metric === 'ip') return 1 - dot;
  const denom = Math.sqrt(na) * Math.sqrt(nb);
  return denom > 0 ? 1 - dot / denom : 1;
}

/**
 * recall@k of `found` against the exact top-k `truth`, counting ties: a found
 * row also counts when its true distance is within a relative 1e-5 of the
 * k-th true neighbour's (equal distances may legitimately order either way).
 * `distance(row)` gives the float64 reference distance from the query.
 */
export function recallAtK(found: readonly number[], truth: Int32Array, k: number, distance: (row: number) => number): number {
  const exact = new Set<number>();
  for (let i = 0; i < k; i++) exact.add(truth[i]);
  const kth = distance(truth[k - 1]);
  const bound = kth + Math.abs(kth) * 1e-5 + 1e-9;
  let hits = 0;
  for (const row of found.slice(0, k)) if (exact.has(row) || distance(row) <= bound) hits++;
  return hits / k;
}
