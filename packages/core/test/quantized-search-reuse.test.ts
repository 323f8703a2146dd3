/**
 * An sq8 search reuses its per-query buffers (the query image written in
 * place in kernel memory, the candidate rows of the walk, the rescoring
 * top k): searches in any order, of any k, on one index answer exactly
 * what each answers on an index of its own, for every metric.
 */
import { describe, expect, it } from 'vitest';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { buildQuantizedSegment } from '../src/ann/quantized/quantized-build.js';
import { QuantizedHnswIndex } from '../src/ann/quantized/quantized-index.js';
import { originalsFromFloat32 } from '../src/storage/original-vectors.js';
import type { Metric } from '../src/types.js';
import { clusteredRows } from './helpers/clustered-rows.js';

const SEED = 5531;
const DIM = 48;
const ROWS = 600;
const QUERIES = 12;

describe('sq8 searches on one index', () => {
  it.each(['l2', 'ip', 'cosine'] as const)('answer as on an index of their own, whatever came before (%s)', (metric: Metric) => {
    const drawn = clusteredRows(ROWS + QUERIES, DIM, SEED, 6);
    const base = drawn.subarray(0, ROWS * DIM);
    const float = new HnswIndex(DIM, metric, { M: 8, efConstruction: 48, seed: SEED });
    for (let r = 0; r < ROWS; r++) float.add(base.subarray(r * DIM, (r + 1) * DIM));
    const graph = float.serializeGraph();
    float.dispose();
    const built = buildQuantizedSegment('sq8', base, DIM, metric, graph);
    const source = { file: 'segments/1/segment.bin', offset: 0 };
    const open = () =>
      QuantizedHnswIndex.open({ dimension: DIM, metric, quantizer: built.quantizer, codes: built.codes, graph, originals: originalsFromFloat32(base, DIM), source, codesSource: source });
    // Every query at k 40, 3 and 10, interleaved, so each search follows larger and smaller ones.
    const calls = [40, 3, 10].flatMap((k) => Array.from({ length: QUERIES }, (_, q) => ({ q, k })));
    const shared = open();
    const answers = calls.map(({ q, k }) => shared.search(drawn.subarray((ROWS + q) * DIM, (ROWS + q + 1) * DIM), k, { efSearch: 16 }));
    shared.dispose();
    calls.forEach(({ q, k }, i) => {
      const own = open();
      expect(answers[i], `query ${q} k ${k}`).toEqual(own.search(drawn.subarray((ROWS + q) * DIM, (ROWS + q + 1) * DIM), k, { efSearch: 16 }));
      own.dispose();
    });
    expect(answers[0].length).toBe(40);
  });
});
