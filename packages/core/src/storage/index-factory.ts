import type { OriginalVectors } from './original-vectors.js';
import type { PagedVectors } from './paged-vectors.js';
import type { TextIndexer } from './text-index.js';
import type { SparseIndexer } from './sparse-index.js';
import type { VectorIndex } from './vector-index.js';
import type { Metric } from '../types.js';

/** The sections a sealed index adds to its segment besides the vectors. */
export interface SealedSections {
  /** Serialized graph section, or null for an exact index. */
  graph: Uint8Array | null;
  /** Codes and codebook sections of a quantized collection (docs/format/quantization.md). */
  quantization?: { codes: Uint8Array; codebook: Uint8Array };
}

/** A vector index ready to be written into a segment. */
export interface SealedIndex extends SealedSections {
  /** rows × dimension float32, in row order (valid until `release`). */
  vectors: Float32Array;
  /**
   * The index to serve the segment with, reused as it is; absent when the
   * segment must be reopened from its file once written (a quantized index
   * reads its originals from the file, not from `vectors`).
   */
  index?: VectorIndex;
  /**
   * Frees what the segment does not use (the memtable's index, or what holds
   * `vectors` when `index` does not); called once readers switched to the
   * published segment, never before: until then the memtable serves reads.
   */
  release?(): void;
}

/** What a segment file offers its index on open. */
export interface SegmentIndexParts {
  dimension: number;
  metric: Metric;
  rows: number;
  file: string;
  /** Writes the vectors section (little-endian float32 bytes) into `dest`, checking it; see `openStoredWith` (ann/hnsw/hnsw-open.ts). */
  fillVectors(dest: Uint8Array): void;
  /**
   * The vectors section read a page at a time, each page checked as it is
   * read (see paged-vectors.ts): present for a version-2 file opened from
   * disk; the index then owns it and closes it.
   */
  pagedVectors?(): PagedVectors;
  /** The vectors section read on demand from the file, checked once (see segment-originals.ts). */
  originals(): OriginalVectors;
  /** Checked section bytes and their offsets in `file`, for the sections present. */
  graph?: { bytes: Uint8Array; offset: number };
  codes?: { bytes: Uint8Array; offset: number };
  codebook?: { bytes: Uint8Array; offset: number };
}

/** How a build shares the process. */
export interface BuildOptions {
  /**
   * A merge or compaction beside queries and writes: the build gives the
   * event loop a turn between small batches instead of holding the caller's
   * thread to the end.
   */
  background?: boolean;
  /** Aborts a background build between batches; it rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Called with each index the build allocates, as soon as it exists (the
   * one being built, its final copy): stats() counts a merge in flight by
   * their `memoryBytes()`, which drop to 0 once disposed.
   */
  holding?: (index: VectorIndex) => void;
  /**
   * A merge's largest segment: the build's rows from `at` are `index`'s rows
   * not flagged 1 in `dead` (one byte per row), in order. A factory may
   * start the merged graph from `index`'s instead of building it from
   * scratch, or ignore this.
   */
  seed?: { index: VectorIndex; dead: Uint8Array; at: number };
}

/** How a collection makes the vector index of its memtable and of each segment. */
export interface IndexFactory {
  /**
   * An empty index for a memtable. `transient`: the collection expects to
   * merge the memtable's segment into an older, larger one soon after its
   * checkpoint (merge-policy.ts `mergesIntoOlder`), which re-links its rows
   * into that segment's graph; its own graph is searched only until then, so
   * a factory may link it more cheaply.
   */
  create(dimension: number, metric: Metric, options?: { transient?: boolean }): VectorIndex;
  /** A memtable's index made ready for sealing, reusing what it built; `index` stays searchable until `release`. */
  seal(index: VectorIndex): SealedIndex;
  /**
   * Builds an index over vectors (rows × dimension), for compaction; may use a worker thread.
   * `rows` is given because with dimension 0 (records without vectors) it cannot be read off `vectors`.
   */
  build(dimension: number, metric: Metric, vectors: Float32Array, rows?: number, options?: BuildOptions): Promise<SealedIndex>;
  /**
   * Reopens a sealed index from its segment's sections without rebuilding
   * it. Throws CorruptionError for a bad or missing section, or what the
   * parts' readers throw.
   */
  open(parts: SegmentIndexParts): VectorIndex;
  /** The full-text index of a collection created with `fullText`; absent: none (docs/format/postings.md). */
  text?: TextIndexer;
  /** The sparse-vector index of a collection created with one (docs/format/sparse-postings.md); absent: none. */
  sparse?: SparseIndexer;
}
