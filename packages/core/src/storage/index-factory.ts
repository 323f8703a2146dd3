import { FlatIndex } from '../index/flat.js';
import type { VectorIndex } from '../index/types.js';
import type { Metric } from '../types.js';

/** A vector index ready to be written into a segment. */
export interface SealedIndex {
  index: VectorIndex;
  /** rows × dimension float32, in row order. */
  vectors: Float32Array;
  /** Serialized graph section, or null for an exact index. */
  graph: Uint8Array | null;
}

/** How a collection makes the vector index of its memtable and of each segment. */
export interface IndexFactory {
  /** An empty index for a memtable. */
  create(dimension: number, metric: Metric): VectorIndex;
  /** Freezes a memtable's index for sealing, reusing what it built. */
  seal(index: VectorIndex): SealedIndex;
  /** Builds an index over vectors (rows × dimension), for compaction. */
  build(dimension: number, metric: Metric, vectors: Float32Array): SealedIndex;
  /**
   * Reopens a sealed index without rebuilding it: `rows` vectors that
   * `fillVectors` writes (little-endian float32 bytes) into the view of index
   * memory it is given, checking them before it returns (see
   * `HnswIndex.openWith`), and the graph section. Throws CorruptionError for
   * a bad graph, or what `fillVectors` throws.
   */
  open(
    dimension: number,
    metric: Metric,
    rows: number,
    fillVectors: (dest: Uint8Array) => void,
    graph: Uint8Array | undefined,
    source: { file: string; offset: number },
  ): VectorIndex;
}

/** Exact search everywhere; no graph is persisted. */
export const flatIndexFactory: IndexFactory = {
  create: (dimension, metric) => new FlatIndex(dimension, metric),
  seal: (index) => {
    // A trimmed copy: the memtable's index grows by doubling and would keep its slack.
    const sealed = FlatIndex.fromVectors(index.dimension, index.metric, (index as FlatIndex).vectors());
    index.dispose();
    return { index: sealed, vectors: sealed.vectors(), graph: null };
  },
  build: (dimension, metric, vectors) => {
    const index = FlatIndex.fromVectors(dimension, metric, vectors);
    return { index, vectors: index.vectors(), graph: null };
  },
  open: (dimension, metric, rows, fillVectors) => FlatIndex.openWith(dimension, metric, rows, fillVectors),
};
