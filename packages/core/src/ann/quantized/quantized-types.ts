import type { Quantizer } from '../../quantize/quantizer.js';
import type { Metric } from '../../types.js';
import type { GraphSource } from '../../format/graph-load.js';
import type { HnswParams } from '../hnsw/hnsw-params.js';
import type { KernelBackend } from '../../kernels/kernels.js';
import type { OriginalVectors } from '../../storage/original-vectors.js';

/** Public types of `QuantizedHnswIndex` (quantized-index.ts). */

/** `memoryBytes()` of an index that keeps codes: `VectorIndex`'s fields plus `codes` and `codebook`. */
export interface QuantizedMemoryBytes {
  /** Float32 vectors resident: 0, they are read from the segment file on demand. */
  vectors: number;
  /** Adjacency arrays, visit marks and kernel scratch (query, batches, row buffer, page rounding). */
  graph: number;
  /** The codes, plus the cosine inverse-norm cache: the part that grows with the rows. */
  codes: number;
  /** The quantizer's codebook and derived tables: a fixed cost per segment. */
  codebook: number;
}

/** The parts of a sealed quantized segment that {@link QuantizedHnswIndex.open} reads. */
export interface QuantizedSegmentParts {
  dimension: number;
  metric: Metric;
  /** `efSearch` for searches (default 64); `M` / `efConstruction`, when given, must match the graph's. */
  params?: Partial<HnswParams>;
  /** Trained quantizer (`loadQuantizer` of the codebook section); its dimension and metric must match. */
  quantizer: Quantizer;
  /** Codes section: rows × quantizer.codeBytes bytes (copied into kernel memory). */
  codes: Uint8Array;
  /** Graph section (docs/format/graph.md), built on the float32 vectors; parsed and copied. */
  graph: Uint8Array;
  /** The float32 originals, read on demand for rescoring, exact search and `vector()`. */
  originals: OriginalVectors;
  /** Candidates rescored = k × oversampling; default {@link defaultOversampling}. A number ≥ 1. */
  oversampling?: number;
  /** Where the graph section is, for CorruptionError. */
  source: GraphSource;
  /** Where the codes section is, for CorruptionError; default `source`. */
  codesSource?: GraphSource;
  /** Kernel backend; default WebAssembly SIMD when supported. */
  backend?: KernelBackend;
}
