import { ValidationError } from '../../errors.js';
import type { QuantizationSpec, Quantizer } from '../../quantize/quantizer.js';
import { trainAndEncode } from '../../quantize/train.js';
import type { Metric } from '../../types.js';
import { GRAPH_HEADER_BYTES, readGraphHeader } from '../../format/graph.js';
import type { KernelBackend } from '../../kernels/kernels.js';
import { metricCode } from '../../kernels/metric-code.js';

/** What sealing a quantized segment writes next to its vectors and graph. */
export interface QuantizedSegmentBuild {
  quantizer: Quantizer;
  /** Codes section: rows × quantizer.codeBytes bytes, row r the code of vector r. */
  codes: Uint8Array;
  /** Codebook section (docs/format/quantization.md), `quantizer.serialize()`. */
  codebook: Uint8Array;
}

/**
 * Builds the quantization sections of a segment being sealed: trains a
 * quantizer of kind `spec` on `vectors` (rows × `dimension` float32,
 * row-major, not modified) — on a seeded sample when there are many — and
 * encodes every row, the training rows included.
 *
 * `graph` is the segment's serialized HNSW graph (docs/format/graph.md),
 * built on these float32 vectors by the memtable's HnswIndex: it is written
 * unchanged, and `QuantizedHnswIndex` searches it on the codes. The
 * graph is built on float32, not on the codes: the memtable already holds
 * that graph, and a graph built on the codes' reconstructions costs a second
 * build for no better recall (bench/quantized.ts --graph-on-codes, recall@10
 * at efSearch 64, codes vs float32 graph: scifact-bge sq8 0.995 / 0.995,
 * binary 0.991 / 0.990, pq 0.994 / 0.994; sift10k 0.984 / 0.985,
 * 0.982 / 0.985, 0.984 / 0.986). Its header is checked against the vectors
 * here, and its level seed is the default training `seed`, so a segment's
 * codebook follows from its inputs.
 *
 * Throws ValidationError for `'none'`, an invalid spec, vectors that are not
 * whole rows, or a graph of another metric, dimension or row count.
 */
export function buildQuantizedSegment(
  spec: Exclude<QuantizationSpec, 'none'>,
  vectors: Float32Array,
  dimension: number,
  metric: Metric,
  graph: Uint8Array,
  options: { seed?: number; backend?: KernelBackend } = {},
): QuantizedSegmentBuild {
  const rows = vectors.length / dimension;
  const header = graph.length >= GRAPH_HEADER_BYTES ? readGraphHeader(graph) : null;
  if (header === null || header.metric !== metricCode(metric) || header.dimension !== dimension || header.count !== rows) {
    const found = header === null ? `${graph.length} bytes` : `${header.count} nodes, ${header.dimension}-d, metric code ${header.metric}`;
    throw new ValidationError('graph does not match the vectors', [
      { code: 'graph_mismatch', path: ['graph'], message: `${found}; expected ${rows} nodes, ${dimension}-d, metric code ${metricCode(metric)}` },
    ]);
  }
  const seed = options.seed ?? header.seed;
  const { quantizer, codes } = trainAndEncode(spec, vectors, dimension, metric, seed, { backend: options.backend });
  return { quantizer, codes, codebook: quantizer.serialize() };
}
