import { decode } from '@msgpack/msgpack';

/** A sparse vector, as Chroma's `SparseVector`: dimensions (uint32, strictly ascending) and their weights. */
export interface SparseVector {
  indices: number[];
  values: number[];
}

/** Postings of one dimension in one part: rows ascending, weights aligned (views, read before the next write). */
export interface SparseList {
  rows: Uint32Array;
  weights: Float32Array;
}

/**
 * The sparse-vector index of one part (the memtable or a segment), over its
 * rows live or dead: per dimension, the rows with a weight there. Liveness
 * is the part's business.
 */
export interface SparsePostings {
  /** Rows covered. */
  readonly rows: number;
  /** Whether `row` has a sparse vector with at least one dimension. */
  hasVector(row: number): boolean;
  /** The postings of dimension `dim`, or null when no row has it. */
  postings(dim: number): SparseList | null;
  /** Every dimension with its postings, dimensions ascending. */
  dims(): Iterable<[number, SparseList]>;
  /** Bytes held in memory. */
  memoryBytes(): number;
}

/** A memtable's sparse index: grows a row at a time. */
export interface MutableSparsePostings extends SparsePostings {
  /** Indexes the next row's vector (rows arrive as 0, 1, 2, …); null for a row without one. */
  add(row: number, vector: SparseVector | null): void;
}

/**
 * How a collection with a sparse-vector index makes it: which metadata key
 * holds the vectors, the memtable's postings, and the segment section
 * (docs/format/sparse-postings.md) written at a checkpoint, merged at
 * compaction and opened with a segment.
 */
export interface SparseIndexer {
  /** The metadata key holding each record's sparse vector. */
  readonly key: string;
  create(): MutableSparsePostings;
  /** The section bytes of a memtable's postings, all its rows. */
  encode(postings: SparsePostings): Uint8Array;
  /** The section bytes of a merged segment: `parts` in order, each with its new row per old row (−1: dropped). */
  merge(parts: { postings: SparsePostings; newRows: Int32Array }[], rows: number): Uint8Array;
  /** Opens a section of a segment of `rows` rows. Throws CorruptionError (file, offset). */
  open(bytes: Uint8Array, rows: number, source: { file: string; offset: number }): SparsePostings;
}

/**
 * The sparse vector under `key` in MessagePack-encoded metadata, or null
 * when there is none. Values reaching storage were validated at the API
 * edge (api/sparse-values.ts), so anything else under the key is a record
 * written before the collection had the index and is skipped.
 */
export function sparseVectorIn(metadata: Uint8Array | null, key: string): SparseVector | null {
  if (metadata === null) return null;
  const value = (decode(metadata) as Record<string, unknown>)[key];
  if (typeof value !== 'object' || value === null) return null;
  const { indices, values } = value as Partial<SparseVector>;
  return Array.isArray(indices) && Array.isArray(values) && indices.length === values.length ? { indices, values } : null;
}
