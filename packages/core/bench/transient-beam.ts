/**
 * What a narrower linking beam costs a memtable graph that a merge will
 * re-link anyway (a transient memtable, adaptive-index.ts `transientBeam`):
 * builds ROWS rows of SET (default generated-100k: seeded Gaussian mixture
 * around sift10k, labelled generated; generated-data.ts; or a real set) with HnswIndex.build
 * (M 16, efConstruction 200, two threads, batched as a memtable links) once
 * per beam, and prints the build's CPU seconds (process.cpuUsage, worker
 * thread included) and recall@10 over the set's queries (1,000 for
 * generated-100k, 100 for sift10k) at efSearch 16 / 32 / 64 against an
 * exact scan of the same rows.
 *
 * Run: npx tsx packages/core/bench/transient-beam.ts
 *      (SET=generated-100k ROWS=96000 BEAMS=200,100,64,48,32)
 */
import { FlatIndex } from '../src/ann/exact/flat.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { BENCH_HNSW_PARAMS, loadBenchSetNamed, recallAgainst } from './ann-sets.js';

const SET = process.env.SET ?? 'generated-100k';
const ROWS = Number(process.env.ROWS ?? 96_000);
const BEAMS = (process.env.BEAMS ?? '200,100,64,48,32').split(',').map(Number);
const K = 10;
const EFS = [16, 32, 64];

const set = loadBenchSetNamed(SET);
const dim = set.dim;
const rows = Math.min(ROWS, set.rows);
const base = set.base.subarray(0, rows * dim);
const metric = set.spec.metric;
// The exact top K of the first `rows` rows (a set's shipped truth covers all of its rows).
const flat = FlatIndex.fromVectors(dim, metric, base);
const truth = new Int32Array(set.queryCount * K);
for (let q = 0; q < set.queryCount; q++) {
  truth.set(flat.search(set.queries.subarray(q * dim, (q + 1) * dim), K, { exact: true }).map((n) => n.row), q * K);
}
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

console.log(`${SET}, first ${rows} rows, ${metric}, M ${BENCH_HNSW_PARAMS.M}, efConstruction ${BENCH_HNSW_PARAMS.efConstruction}; recall@${K} at efSearch ${EFS.join(' / ')}`);
for (const beam of BEAMS) {
  const start = process.cpuUsage();
  const index = await HnswIndex.build({ dimension: dim, metric, params: BENCH_HNSW_PARAMS }, base, { beam });
  const build = cpuSeconds(start);
  const recalls = EFS.map((efSearch) => recallAgainst(set, truth, set.queryCount, K, (q) => index.search(q, K, { efSearch })).toFixed(3));
  console.log(`beam ${beam}: build ${build.toFixed(1)} CPU-s, recall ${recalls.join(' / ')}`);
  index.dispose();
}
flat.dispose();
