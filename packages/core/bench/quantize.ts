/**
 * Quantizers on real data (scifact-bge 1024-d cosine, sift10k 128-d l2, from
 * ../shared/data): code bytes per vector, train and encode time, the cost of
 * one estimated distance in scalar JavaScript vs the WebAssembly SIMD kernels
 * (float32 for reference), and recall@10 against exact search of brute force
 * over the codes for the top k × oversampling followed by float32 rescoring,
 * for oversampling 1 … 32; binary both with its asymmetric (default) and its
 * Hamming estimator. Resident bytes compare codes + HNSW graph (M = 16, built
 * here) with float32 vectors + the same graph, ids left out. Prints tables
 * and one JSON line.
 *
 * Run: node packages/core/scripts/build-wasm.mjs && npx tsx packages/core/bench/quantize.ts
 *      (--dataset scifact-bge|sift10k to run one set)
 */
import { FlatIndex } from '../src/ann/exact/flat.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { VectorRows } from '../src/ann/vector-rows.js';
import { BinaryQuantizer } from '../src/quantize/binary.js';
import { CodeScorer } from '../src/quantize/code-scorer.js';
import type { QuantizationSpec, Quantizer, QueryCodes } from '../src/quantize/quantizer.js';
import { trainQuantizer } from '../src/quantize/train.js';
import type { Metric } from '../src/types.js';
import { type DatasetName, loadDataset, recallAtK, referenceDistance } from '../test/helpers/datasets.js';

const K = 10;
const OVERSAMPLING = [1, 2, 4, 8, 16, 32];
const SEED = 42;

/** A spec plus, for binary, which estimator scores the query (see binary.ts). */
type Variant = { spec: QuantizationSpec; hamming?: boolean };

const SETS: { name: DatasetName; truth: Metric; metric: Metric; variants: Variant[] }[] = [
  {
    name: 'scifact-bge',
    truth: 'ip',
    metric: 'cosine',
    variants: [
      { spec: 'sq8' },
      { spec: 'binary' },
      { spec: 'binary', hamming: true },
      { spec: { type: 'pq', subvectors: 128, bits: 8 } },
      { spec: { type: 'pq', subvectors: 256, bits: 8 } },
    ],
  },
  {
    name: 'sift10k',
    truth: 'l2',
    metric: 'l2',
    variants: [
      { spec: 'sq8' },
      { spec: 'binary' },
      { spec: 'binary', hamming: true },
      { spec: { type: 'pq', subvectors: 16, bits: 8 } },
      { spec: { type: 'pq', subvectors: 32, bits: 8 } },
      { spec: { type: 'pq', subvectors: 64, bits: 8 } },
    ],
  },
];

function label(v: Variant): string {
  const name = typeof v.spec === 'string' ? v.spec : `pq m=${v.spec.subvectors}`;
  return v.hamming === true ? `${name} (hamming)` : name;
}

function prepare(quantizer: Quantizer, v: Variant, query: Float32Array): QueryCodes {
  return v.hamming === true ? (quantizer as BinaryQuantizer).prepareHamming(query) : quantizer.prepare(query);
}

/** ns per operation: doubles the iterations until one timing exceeds 200 ms; median of 3. */
function timeNs(body: (iterations: number) => void, opsPerIteration: number): number {
  const runs: number[] = [];
  for (let run = 0; run < 3; run++) {
    for (let iterations = 16; ; iterations *= 2) {
      const start = process.hrtime.bigint();
      body(iterations);
      const ns = Number(process.hrtime.bigint() - start);
      if (ns > 200e6) {
        runs.push(ns / (iterations * opsPerIteration));
        break;
      }
    }
  }
  return runs.sort((a, b) => a - b)[1];
}

interface KindResult {
  spec: string;
  codeBytes: number;
  codebookBytes: number;
  /** (codes + graph) / (float32 vectors + graph) per vector, HNSW M = 16, ids left out. */
  residentRatio: number;
  trainMs: number;
  encodeVectorsPerSec: number;
  jsDistanceNs: number;
  wasmDistanceNs: number;
  wasmScanNsPerRow: number;
  recall: Record<number, number>;
}

function measureKind(
  v: Variant,
  metric: Metric,
  base: Float32Array,
  dim: number,
  queries: Float32Array,
  exact: number[][],
  graphBytesPerVector: number,
): KindResult {
  const n = base.length / dim;
  const t0 = performance.now();
  const quantizer: Quantizer = trainQuantizer(v.spec, base, dim, metric, SEED);
  const t1 = performance.now();
  const codes = quantizer.encode(base);
  // Encode speed: median of three runs, the first one included (it also warms the JIT up).
  const encodeMs = [performance.now() - t1];
  for (let run = 0; run < 2; run++) {
    const start = performance.now();
    quantizer.encode(base);
    encodeMs.push(performance.now() - start);
  }
  encodeMs.sort((a, b) => a - b);
  const scorer = new CodeScorer(quantizer, codes);
  const query = queries.subarray(0, dim);
  const prepared = prepare(quantizer, v, query);
  scorer.setPrepared(prepared);
  let sink = 0;
  const jsDistanceNs = timeNs((it) => {
    for (let i = 0; i < it; i++) sink += quantizer.distance(prepared, codes, i % n);
  }, 1);
  const wasmDistanceNs = timeNs((it) => {
    for (let i = 0; i < it; i++) sink += scorer.distance(i % n);
  }, 1);
  const out = new Float32Array(n);
  const wasmScanNsPerRow = timeNs((it) => {
    for (let i = 0; i < it; i++) scorer.scan(0, n, out);
  }, n);
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the loops alive');

  const recallSums = new Map<number, number>(OVERSAMPLING.map((o) => [o, 0]));
  const queryCount = queries.length / dim;
  const maxCandidates = K * OVERSAMPLING[OVERSAMPLING.length - 1];
  for (let q = 0; q < queryCount; q++) {
    const y = queries.subarray(q * dim, (q + 1) * dim);
    scorer.setPrepared(prepare(quantizer, v, y));
    const candidates = scorer.nearest(maxCandidates);
    const distance = (row: number) => referenceDistance(metric, y, base.subarray(row * dim, (row + 1) * dim));
    const truth = Int32Array.from(exact[q]);
    for (const o of OVERSAMPLING) {
      const rescored = candidates
        .slice(0, K * o)
        .map((c) => ({ row: c.row, d: distance(c.row) }))
        .sort((a, b) => a.d - b.d || a.row - b.row);
      recallSums.set(o, recallSums.get(o)! + recallAtK(rescored.map((r) => r.row), truth, K, distance));
    }
  }
  scorer.release();
  const recall: Record<number, number> = {};
  for (const o of OVERSAMPLING) recall[o] = Number((recallSums.get(o)! / queryCount).toFixed(4));
  const floatBytes = dim * 4 + (metric === 'cosine' ? 4 : 0);
  return {
    spec: label(v),
    codeBytes: quantizer.codeBytes,
    codebookBytes: quantizer.serialize().length,
    residentRatio: Number(((quantizer.codeBytes + graphBytesPerVector) / (floatBytes + graphBytesPerVector)).toFixed(3)),
    trainMs: Math.round(t1 - t0),
    encodeVectorsPerSec: Math.round(n / (encodeMs[1] / 1000)),
    jsDistanceNs: Number(jsDistanceNs.toFixed(1)),
    wasmDistanceNs: Number(wasmDistanceNs.toFixed(1)),
    wasmScanNsPerRow: Number(wasmScanNsPerRow.toFixed(1)),
    recall,
  };
}

/** float32 reference: one distance through the kernels' scan, per row. */
function float32ScanNs(metric: Metric, base: Float32Array, dim: number, query: Float32Array): number {
  const n = base.length / dim;
  const rows = new VectorRows(dim, metric, { initialRows: n, scratchBytes: 1024 * 4 });
  for (let r = 0; r < n; r++) rows.add(base.subarray(r * dim, (r + 1) * dim));
  rows.setQuery(query);
  const ns = timeNs((it) => {
    for (let i = 0; i < it; i++) for (let first = 0; first < n; first += 1024) rows.scan(first, Math.min(1024, n - first), rows.scratchPtr);
  }, n);
  rows.release();
  return Number(ns.toFixed(1));
}

/** Bytes per vector of an HNSW graph (M = 16) over the set, from HnswIndex.memoryBytes(). */
function hnswGraphBytesPerVector(metric: Metric, base: Float32Array, dim: number): number {
  const n = base.length / dim;
  const index = new HnswIndex(dim, metric, { M: 16 }, { initialCapacity: n });
  for (let r = 0; r < n; r++) index.add(base.subarray(r * dim, (r + 1) * dim));
  const bytes = index.memoryBytes().graph / n;
  index.dispose();
  return Math.round(bytes);
}

const only = process.argv.includes('--dataset') ? process.argv[process.argv.indexOf('--dataset') + 1] : undefined;
const report: Record<string, unknown> = { node: process.version, k: K, seed: SEED };
for (const set of SETS) {
  if (only !== undefined && set.name !== only) continue;
  const data = loadDataset(set.name, set.truth);
  const { dim } = data;
  const base = data.base.data;
  const queries = data.queries.data;
  const flat = FlatIndex.fromVectors(dim, set.metric, base);
  const exact: number[][] = [];
  for (let q = 0; q < data.queries.count; q++) exact.push(flat.search(queries.subarray(q * dim, (q + 1) * dim), K).map((r) => r.row));
  flat.dispose();
  const float32Ns = float32ScanNs(set.metric, base, dim, queries.subarray(0, dim));
  const graphBytesPerVector = hnswGraphBytesPerVector(set.metric, base, dim);
  const kinds = set.variants.map((v) => measureKind(v, set.metric, base, dim, queries, exact, graphBytesPerVector));
  console.log(
    `\n${set.name} (${data.base.count} × ${dim}, ${set.metric}, ${data.queries.count} queries); float32 scan ${float32Ns} ns/row, ` +
      `${dim * 4} bytes/vector; HNSW M=16 graph ${graphBytesPerVector} bytes/vector`,
  );
  console.log('kind | code B/vec | resident vs float32 | codebook B | train ms | encode vec/s | JS dist ns | WASM dist ns | WASM scan ns/row');
  for (const r of kinds) {
    console.log(
      `${r.spec} | ${r.codeBytes} | ${r.residentRatio} | ${r.codebookBytes} | ${r.trainMs} | ${r.encodeVectorsPerSec} | ${r.jsDistanceNs} | ${r.wasmDistanceNs} | ${r.wasmScanNsPerRow}`,
    );
  }
  console.log(`recall@${K} after rescoring, by oversampling: kind | ${OVERSAMPLING.join(' | ')}`);
  for (const r of kinds) console.log(`${r.spec} | ${OVERSAMPLING.map((o) => r.recall[o].toFixed(3)).join(' | ')}`);
  report[set.name] = {
    metric: set.metric,
    rows: data.base.count,
    dim,
    queries: data.queries.count,
    float32ScanNsPerRow: float32Ns,
    graphBytesPerVector,
    kinds,
  };
}
console.log(JSON.stringify(report));
