/**
 * The batched build's largest batch (HnswIndex's `maxBatchRows`; default
 * defaultMaxBatchRows in hnsw-build.ts) against build CPU and recall, in
 * one process, alternating. Each batch row is linked against the graph as
 * it was before its batch and scores every earlier row of its batch
 * exactly (hnsw-build-thread.ts), so a larger batch costs more distances
 * per row and a smaller one more synchronisations of the two threads.
 *
 * Per build (2 threads, as a memtable links): wall and CPU seconds of the
 * process, recall@10 at efSearch 16 / 32 / 64 over the first QUERIES
 * queries against exact search; then medians over ROUNDS and the load
 * average. Data: generated-100k (seeded Gaussian mixture around sift10k,
 * labelled generated; see generated-data.ts), its first ROWS rows (default
 * 90,000: what the default 64 MiB memtable holds of it, bench/build-cpu.ts).
 *
 * Run: npx tsx packages/core/bench/batch-size.ts   (BATCHES=1024,256 ROUNDS=3 ROWS=90000 SET=generated-100k QUERIES=300)
 */
import { loadavg } from 'node:os';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { BENCH_HNSW_PARAMS, exactTopK, loadBenchSetNamed, recallAgainst } from './ann-sets.js';
import { median } from './ann-stats.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SET = process.env.SET ?? 'generated-100k';
const BATCHES = (process.env.BATCHES ?? '1024,256').split(',').map(Number);
const K = 10;
const QUERIES = Number(process.env.QUERIES ?? 300);
const EFS = [16, 32, 64];

const set = loadBenchSetNamed(SET);
const { dim } = set;
const rows = Math.min(set.rows, Number(process.env.ROWS ?? 90_000));
const base = set.base.subarray(0, rows * dim);
const queryCount = Math.min(QUERIES, set.queryCount);
// Shipped ground truth is for the whole set: a prefix is scanned exactly.
const truth = exactTopK({ ...set, base, rows, queryCount, truthSource: rows < set.rows ? 'computed' : set.truthSource }, K);
const load = loadavg();

function recallAt(index: HnswIndex, efSearch: number): number {
  return recallAgainst(set, truth, queryCount, K, (query) => index.search(query, K, { efSearch }));
}

interface Run {
  wallS: number;
  cpuS: number;
  recall: Record<number, number>;
}
const results = new Map<number, Run[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const maxBatchRows of BATCHES) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    const index = await HnswIndex.build({ dimension: dim, metric: set.spec.metric, params: BENCH_HNSW_PARAMS }, base, { schedule: 'batched', maxBatchRows });
    const wallS = (performance.now() - w0) / 1000;
    const c = process.cpuUsage(c0);
    const recall: Record<number, number> = {};
    for (const ef of EFS) recall[ef] = recallAt(index, ef);
    index.dispose();
    const run = { wallS, cpuS: (c.user + c.system) / 1e6, recall };
    console.log(JSON.stringify({ set: SET, rows, round, maxBatchRows, ...run, load: loadavg()[0] }));
    results.set(maxBatchRows, [...(results.get(maxBatchRows) ?? []), run]);
  }
}
for (const [maxBatchRows, runs] of results) {
  const recall = Object.fromEntries(EFS.map((ef) => [ef, median(runs.map((r) => r.recall[ef]))]));
  console.log(JSON.stringify({ maxBatchRows, runs: runs.length, wallS: median(runs.map((r) => r.wallS)), cpuS: median(runs.map((r) => r.cpuS)), recall }));
}
console.log(JSON.stringify({ loadBefore: load, loadAfter: loadavg() }));
