/**
 * What a narrower linking beam costs a memtable graph that a merge will
 * re-link anyway (a transient memtable, adaptive-index.ts `transientBeam`):
 * builds ROWS rows of SET (default generated-100k: seeded Gaussian mixture
 * around sift10k, labelled generated; generated-data.ts; or a real set) with HnswIndex.build
 * (M 16, efConstruction 200, two threads, batched as a memtable links) once
 * per beam, and prints the build's CPU seconds (process.cpuUsage, worker
 * thread included) and recall@10 over 1,000 queries at efSearch 16 / 32 / 64
 * against an exact scan of the same rows.
 *
 * Run: npx tsx packages/core/bench/transient-beam.ts
 *      (SET=generated-100k ROWS=96000 BEAMS=200,100,64,48,32)
 */
import { FlatIndex } from '../src/ann/exact/flat.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { BENCH_HNSW_PARAMS, loadBenchSetNamed } from './ann-sets.js';

const SET = process.env.SET ?? 'generated-100k';
const ROWS = Number(process.env.ROWS ?? 96_000);
const BEAMS = (process.env.BEAMS ?? '200,100,64,48,32').split(',').map(Number);
const K = 10;
const EFS = [16, 32, 64];

const set = loadBenchSetNamed(SET);
const dim = set.dim;
const rows = Math.min(ROWS, set.rows);
const base = set.base.subarray(0, rows * dim);
const queries = Array.from({ length: set.queryCount }, (_, q) => set.queries.subarray(q * dim, (q + 1) * dim));
const metric = set.spec.metric;
const flat = FlatIndex.fromVectors(dim, metric, base);
const truth = queries.map((q) => new Set(flat.search(q, K, { exact: true }).map((n) => n.row)));
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

console.log(`${SET}, first ${rows} rows, ${metric}, M ${BENCH_HNSW_PARAMS.M}, efConstruction ${BENCH_HNSW_PARAMS.efConstruction}; recall@${K} at efSearch ${EFS.join(' / ')}`);
for (const beam of BEAMS) {
  const start = process.cpuUsage();
  const index = await HnswIndex.build({ dimension: dim, metric, params: BENCH_HNSW_PARAMS }, base, { beam });
  const build = cpuSeconds(start);
  const recalls = EFS.map((efSearch) => {
    let hits = 0;
    queries.forEach((q, i) => {
      for (const n of index.search(q, K, { efSearch })) if (truth[i].has(n.row)) hits++;
    });
    return (hits / (queries.length * K)).toFixed(3);
  });
  console.log(`beam ${beam}: build ${build.toFixed(1)} CPU-s, recall ${recalls.join(' / ')}`);
  index.dispose();
}
flat.dispose();
