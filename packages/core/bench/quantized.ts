/**
 * The quantized segment index (QuantizedHnswIndex: graph searched on the
 * codes, k × oversampling candidates rescored with float32) against the
 * float32 HnswIndex over the same graph, on scifact-bge (5,183 × 1024-d,
 * cosine) and sift10k (10,000 × 128-d, l2), M = 16, efConstruction = 200:
 *
 * 1. recall@10 vs exact float32 search and QPS (one thread) at efSearch
 *    16 … 256, and QPS at recall@10 = 0.95 interpolated (ann-stats.ts);
 * 2. recall@10 and QPS at efSearch 64 by oversampling 1 … 32, to choose the
 *    default oversampling after a graph search;
 * 3. resident bytes per vector (memoryBytes(): float = vectors + graph,
 *    quantized = codes + graph, originals not resident), also without the
 *    fixed per-segment part (codebook, tables, scratch);
 * 4. with --graph-on-codes: recall of the same codes searched over a graph
 *    built on their reconstructions instead of on float32.
 *
 * Kinds: sq8, binary, pq with m = d / 8. Exact truth is computed with
 * FlatIndex (scifact's shipped truth is inner product; the set is cosine).
 * QPS is the best of 5 passes (≥ 0.2 s each) per point, variants
 * interleaved: compare ratios, not absolutes, on a shared machine.
 *
 * Run: node packages/core/scripts/build-wasm.mjs && npx tsx packages/core/bench/quantized.ts
 *      (--dataset scifact-bge|sift10k, --graph-on-codes)
 */
import { FlatIndex } from '../src/ann/exact/flat.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { metricCode } from '../src/kernels/metric-code.js';
import { buildQuantizedSegment } from '../src/ann/quantized/quantized-build.js';
import { CompactGraph } from '../src/ann/quantized/quantized-graph.js';
import { QuantizedHnswIndex } from '../src/ann/quantized/quantized-index.js';
import { originalsFromFloat32 } from '../src/storage/original-vectors.js';
import { defaultOversampling } from '../src/ann/quantized/quantized-oversampling.js';
import type { VectorIndex } from '../src/storage/vector-index.js';
import type { QuantizationSpec } from '../src/quantize/quantizer.js';
import type { Metric } from '../src/types.js';
import { type DatasetName, loadDataset, recallAtK, referenceDistance } from '../test/helpers/datasets.js';
import { qpsAtRecall, type SweepPoint } from './ann-stats.js';

const K = 10;
const EFS = [16, 24, 32, 48, 64, 96, 128, 192, 256];
const OVERSAMPLING = [1, 2, 4, 8, 16, 32];
const PASSES = Number(process.env.PASSES ?? 5);
const MIN_SECONDS = Number(process.env.MIN_SECONDS ?? 0.2);
const SOURCE = { file: 'bench', offset: 0 };

const SETS: { name: DatasetName; truth: Metric; metric: Metric }[] = [
  { name: 'scifact-bge', truth: 'ip', metric: 'cosine' },
  { name: 'sift10k', truth: 'l2', metric: 'l2' },
];

function specs(dim: number): { label: string; spec: Exclude<QuantizationSpec, 'none'> }[] {
  return [
    { label: 'sq8', spec: 'sq8' },
    { label: 'binary', spec: 'binary' },
    { label: `pq m=${dim / 8}`, spec: { type: 'pq', subvectors: dim / 8, bits: 8 } },
  ];
}

interface Set {
  dim: number;
  metric: Metric;
  base: Float32Array;
  queries: Float32Array[];
  truth: Int32Array[];
}

/** Mean recall@10 and one pass's QPS of `index` at `efSearch`; a pass repeats the queries for ≥ MIN_SECONDS. */
function pass(set: Set, index: VectorIndex, efSearch: number, seconds = MIN_SECONDS): { recall: number; qps: number } {
  const found: number[][] = [];
  let searched = 0;
  const start = performance.now();
  for (let round = 0; round === 0 || performance.now() - start < seconds * 1000; round++) {
    for (const q of set.queries) {
      const rows = index.search(q, K, { efSearch }).map((n) => n.row);
      if (round === 0) found.push(rows);
    }
    searched += set.queries.length;
  }
  const elapsed = (performance.now() - start) / 1000;
  let recall = 0;
  set.queries.forEach((q, i) => {
    const distance = (row: number) => referenceDistance(set.metric, q, set.base.subarray(row * set.dim, (row + 1) * set.dim));
    recall += recallAtK(found[i], set.truth[i], K, distance);
  });
  return { recall: recall / set.queries.length, qps: searched / elapsed };
}

/**
 * Recall and best-pass QPS of every variant at every point, the variants
 * interleaved within each round: other processes on the machine only ever
 * slow a pass down, so the fastest pass is the least disturbed one.
 */
function sweep(set: Set, variants: Map<string, (point: number) => [VectorIndex, number]>, points: number[]): Map<string, SweepPoint[]> {
  const out = new Map<string, SweepPoint[]>();
  for (const name of variants.keys()) out.set(name, []);
  // Warm-up: the JIT compiles the code-graph walk during the first passes; measuring them would handicap the first point.
  for (const at of variants.values()) for (const point of points) pass(set, ...at(point), 0);
  for (const point of points) {
    const qps = new Map<string, number[]>();
    const recall = new Map<string, number>();
    for (let p = 0; p < PASSES; p++) {
      for (const [name, at] of variants) {
        const [index, ef] = at(point);
        const r = pass(set, index, ef);
        recall.set(name, r.recall);
        qps.set(name, [...(qps.get(name) ?? []), r.qps]);
      }
    }
    for (const name of variants.keys()) out.get(name)!.push({ ef: point, recall: recall.get(name)!, qps: Math.max(...qps.get(name)!) });
  }
  return out;
}

const fmt = (x: number | null, digits = 0) => (x === null ? '—' : x.toFixed(digits));
const only = process.argv.includes('--dataset') ? process.argv[process.argv.indexOf('--dataset') + 1] : undefined;
const graphOnCodes = process.argv.includes('--graph-on-codes');
const report: Record<string, unknown> = { node: process.version, k: K };

for (const spec of SETS) {
  if (only !== undefined && spec.name !== only) continue;
  const data = loadDataset(spec.name, spec.truth);
  const { dim } = data;
  const base = data.base.data;
  const n = data.base.count;
  const queries = Array.from({ length: data.queries.count }, (_, q) => data.queries.data.subarray(q * dim, (q + 1) * dim));
  const flat = FlatIndex.fromVectors(dim, spec.metric, base);
  const truth = queries.map((q) => Int32Array.from(flat.search(q, K).map((r) => r.row)));
  flat.dispose();
  const set: Set = { dim, metric: spec.metric, base, queries, truth };

  let t = performance.now();
  const float = new HnswIndex(dim, spec.metric, { M: 16, efConstruction: 200 }, { initialCapacity: n });
  for (let r = 0; r < n; r++) float.add(base.subarray(r * dim, (r + 1) * dim));
  const graph = float.serializeGraph();
  console.log(`\n${spec.name}: ${n} × ${dim}, ${spec.metric}, ${queries.length} queries; HNSW built in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const kinds = specs(dim).map(({ label, spec: s }) => {
    t = performance.now();
    const built = buildQuantizedSegment(s, base, dim, spec.metric, graph);
    const buildMs = performance.now() - t;
    const open = (g: Uint8Array, oversampling?: number) =>
      QuantizedHnswIndex.open({ dimension: dim, metric: spec.metric, quantizer: built.quantizer, codes: built.codes, graph: g, originals: originalsFromFloat32(base, dim), oversampling, source: SOURCE });
    return { label, built, buildMs, index: open(graph), open };
  });

  // 1. recall / QPS by efSearch.
  const byEf = new Map<string, (ef: number) => [VectorIndex, number]>([['float32', (ef) => [float, ef]]]);
  for (const kind of kinds) byEf.set(kind.label, (ef) => [kind.index, ef]);
  const efCurves = sweep(set, byEf, EFS);
  console.log(`recall@${K} / QPS by efSearch (oversampling: ${kinds.map((k) => `${k.label} ${k.index.oversampling}×`).join(', ')})`);
  console.log(`variant | ${EFS.join(' | ')} | QPS@0.95 | ratio`);
  const floatAt95 = qpsAtRecall(efCurves.get('float32')!, 0.95);
  const summary: Record<string, unknown> = {};
  for (const [name, points] of efCurves) {
    const at95 = qpsAtRecall(points, 0.95);
    console.log(`${name} | ${points.map((p) => `${p.recall.toFixed(3)} / ${p.qps.toFixed(0)}`).join(' | ')} | ${fmt(at95)} | ${at95 !== null && floatAt95 !== null ? (at95 / floatAt95).toFixed(2) : '—'}`);
    summary[name] = { points, qpsAt95: at95 };
  }

  // 2. oversampling at efSearch 64 (ef = max(64, k × oversampling)).
  const byOversampling = new Map<string, (o: number) => [VectorIndex, number]>();
  for (const kind of kinds) {
    const opened = new Map<number, QuantizedHnswIndex>();
    byOversampling.set(kind.label, (o) => {
      if (!opened.has(o)) opened.set(o, kind.open(graph, o));
      return [opened.get(o)!, 64];
    });
  }
  const osCurves = sweep(set, byOversampling, OVERSAMPLING);
  console.log(`recall@${K} / QPS at efSearch 64 by oversampling`);
  console.log(`kind | ${OVERSAMPLING.map((o) => `${o}×`).join(' | ')}`);
  for (const [name, points] of osCurves) console.log(`${name} | ${points.map((p) => `${p.recall.toFixed(3)} / ${p.qps.toFixed(0)}`).join(' | ')}`);

  // 3. resident bytes per vector.
  const floatBytes = float.memoryBytes();
  const floatPerVector = (floatBytes.vectors + floatBytes.graph) / n;
  console.log(`resident bytes/vector: float32 ${floatPerVector.toFixed(0)} (vectors ${(floatBytes.vectors / n).toFixed(0)} + graph ${(floatBytes.graph / n).toFixed(0)})`);
  console.log('kind | codes | graph | total | ratio | codes + links only | ratio');
  const bytes: Record<string, unknown> = { float32: { ...floatBytes, perVector: floatPerVector } };
  const compact = CompactGraph.parse(graph, { metricCode: metricCode(spec.metric), dimension: dim, rows: n }, SOURCE);
  for (const kind of kinds) {
    const m = kind.index.memoryBytes();
    const total = (m.codes + m.codebook + m.graph + m.vectors) / n;
    // Per-vector part alone: codes + compact graph blocks and offsets + the walk's visit tags and two heaps (4 + 8 + 8 bytes per row), without codebook, tables and scratch.
    const marginal = (kind.built.codes.length + compact.byteLength + 20 * n) / n;
    console.log(`${kind.label} | ${((m.codes + m.codebook) / n).toFixed(0)} | ${(m.graph / n).toFixed(0)} | ${total.toFixed(0)} | ${(total / floatPerVector).toFixed(3)} | ${marginal.toFixed(0)} | ${(marginal / floatPerVector).toFixed(3)}`);
    bytes[kind.label] = { ...m, perVector: total, ratio: total / floatPerVector, marginalPerVector: marginal, buildMs: Math.round(kind.buildMs) };
  }

  // 4. graph built on the codes' reconstructions.
  const onCodes: Record<string, number> = {};
  if (graphOnCodes) {
    for (const kind of kinds) {
      const decoded = new HnswIndex(dim, spec.metric, { M: 16, efConstruction: 200 }, { initialCapacity: n });
      for (let r = 0; r < n; r++) decoded.add(kind.built.quantizer.decode(kind.built.codes, r));
      const index = kind.open(decoded.serializeGraph());
      onCodes[kind.label] = pass(set, index, 64).recall;
      console.log(`graph on codes: ${kind.label} recall@${K} at ef 64 ${onCodes[kind.label].toFixed(3)} (graph on float32 ${efCurves.get(kind.label)![EFS.indexOf(64)].recall.toFixed(3)})`);
      index.dispose();
      decoded.dispose();
    }
  }
  report[spec.name] = { n, dim, metric: spec.metric, efCurves: summary, oversampling: Object.fromEntries(osCurves), bytes, graphOnCodes: onCodes, defaults: Object.fromEntries(kinds.map((k) => [k.label, defaultOversampling(k.built.quantizer.kind, dim)])) };
  for (const kind of kinds) kind.index.dispose();
  float.dispose();
}
console.log(JSON.stringify(report));

