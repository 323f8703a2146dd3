/**
 * CPU cost per query of the sq8 segment index (QuantizedHnswIndex: walk on
 * the codes, k × oversampling candidates rescored with float32) against the
 * float32 HnswIndex over the same graph, on the generated set
 * (bench/generated-data.ts: 100k × 128-d l2 by default, seeded), at matched
 * recall@10.
 *
 * Both indexes are opened in this process on one graph (M 16,
 * efConstruction 200, built once on one thread and cached in GRAPH_CACHE);
 * the originals are an in-memory array, so rescoring reads no file. Per
 * efSearch, passes alternate float32 / sq8 and the CPU time of each pass
 * (process.cpuUsage, user + system) is divided by its queries; the median
 * of PASSES passes is reported, so other processes on the machine weigh on
 * both sides alike.
 *
 * Measured (generated-100k, 1000 queries, 2 busy cores, so ±20 %): sq8 at
 * 2× oversampling cost 1.04× float32's CPU per query at efSearch 32
 * (recall 0.962 / 0.963) with the one-pass l2 kernel; 0.75× with each
 * code's Σ q²·w precomputed; 0.5–0.6× once the walk also touched the
 * neighbours' codes before scoring them. OVERSAMPLING=1.5 gave the recall
 * of 2× at efSearch 24–48 (0.946 / 0.962 / 0.978) for ≈ 8 % less CPU.
 *
 * Run: node packages/core/scripts/build-wasm.mjs &&
 *      nice -n 10 npx tsx packages/core/bench/sq8-walk.ts
 *      (ROWS=100000 QUERIES=1000 PASSES=5 EFS=16,32 OVERSAMPLING=1,4
 *      GRAPH_CACHE=/tmp/…; PROFILE=1 runs sq8 at efSearch 32 only, for
 *      node --cpu-prof)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { FlatIndex } from '../src/ann/exact/flat.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { buildQuantizedSegment } from '../src/ann/quantized/quantized-build.js';
import { QuantizedHnswIndex } from '../src/ann/quantized/quantized-index.js';
import { originalsFromFloat32 } from '../src/storage/original-vectors.js';
import type { VectorIndex } from '../src/storage/vector-index.js';
import { median } from './ann-stats.js';
import { generateClusteredSet } from './generated-data.js';

const K = 10;
const ROWS = Number(process.env.ROWS ?? 100_000);
const QUERIES = Number(process.env.QUERIES ?? 1000);
const PASSES = Number(process.env.PASSES ?? 5);
const EFS = (process.env.EFS ?? '16,24,32,48,64').split(',').map(Number);
const GRAPH_CACHE = process.env.GRAPH_CACHE ?? `/tmp/omendb-generated-${ROWS}-m16-efc200.graph`;
const SOURCE = { file: 'bench', offset: 0 };

const set = generateClusteredSet(ROWS, QUERIES);
const dim = set.dim;
const queries = Array.from({ length: QUERIES }, (_, q) => set.queries.subarray(q * dim, (q + 1) * dim));

let graph: Uint8Array;
if (existsSync(GRAPH_CACHE)) {
  graph = new Uint8Array(readFileSync(GRAPH_CACHE));
} else {
  const t = performance.now();
  const built = await HnswIndex.build({ dimension: dim, metric: 'l2', params: { M: 16, efConstruction: 200 } }, set.base, { threads: 1 });
  graph = built.serializeGraph();
  built.dispose();
  writeFileSync(GRAPH_CACHE, graph);
  console.log(`graph built in ${((performance.now() - t) / 1000).toFixed(1)} s → ${GRAPH_CACHE}`);
}
const float = HnswIndex.open({ dimension: dim, metric: 'l2' }, set.base, graph, SOURCE);
const built = buildQuantizedSegment('sq8', set.base, dim, 'l2', graph);
const openSq8 = (oversampling?: number) =>
  QuantizedHnswIndex.open({ dimension: dim, metric: 'l2', quantizer: built.quantizer, codes: built.codes, graph, originals: originalsFromFloat32(set.base, dim), oversampling, source: SOURCE });
const sq8 = openSq8();
/** Extra sq8 variants by oversampling (OVERSAMPLING=1,4 adds two columns), default 2 × being `sq8`. */
const extra = (process.env.OVERSAMPLING ?? '').split(',').filter((x) => x !== '').map((x) => ({ name: `sq8 ${x}×`, index: openSq8(Number(x)) }));

function pass(index: VectorIndex, efSearch: number): { found: number[][]; cpuUs: number } {
  const found: number[][] = [];
  const start = process.cpuUsage();
  for (const q of queries) found.push(index.search(q, K, { efSearch }).map((n) => n.row));
  const used = process.cpuUsage(start);
  return { found, cpuUs: (used.user + used.system) / queries.length };
}

if (process.env.PROFILE === '1') {
  for (let p = 0; p < PASSES; p++) console.log(`sq8 ef 32: ${pass(sq8, 32).cpuUs.toFixed(1)} µs/query`);
} else {
  const flat = FlatIndex.fromVectors(dim, 'l2', set.base);
  const truth = queries.map((q) => new Set(flat.search(q, K).map((n) => n.row)));
  flat.dispose();
  const recall = (found: number[][]) => found.reduce((s, rows, i) => s + rows.filter((r) => truth[i].has(r)).length, 0) / (K * found.length);
  const variants = [{ name: 'float32', index: float as VectorIndex }, { name: `sq8 ${sq8.oversampling}×`, index: sq8 as VectorIndex }, ...extra];
  for (const ef of [32, 32]) for (const v of variants) pass(v.index, ef); // warm-up (JIT)
  console.log(`generated-${ROWS}: ${QUERIES} queries, k ${K}, median CPU µs/query of ${PASSES} interleaved passes; ratio to float32`);
  console.log(`efSearch | ${variants.map((v) => `${v.name} recall / µs`).join(' | ')}`);
  for (const ef of EFS) {
    const times = variants.map(() => [] as number[]);
    const recalls = variants.map(() => 0);
    for (let p = 0; p < PASSES; p++) {
      variants.forEach((v, i) => {
        const r = pass(v.index, ef);
        times[i].push(r.cpuUs);
        recalls[i] = recall(r.found);
      });
    }
    const base = median(times[0]);
    const cells = variants.map((_, i) => `${recalls[i].toFixed(3)} / ${median(times[i]).toFixed(1)}${i === 0 ? '' : ` (${(median(times[i]) / base).toFixed(2)})`}`);
    console.log(`${ef} | ${cells.join(' | ')}`);
  }
}
