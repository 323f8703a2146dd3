/**
 * The merge beam (hnsw-seed.ts, MERGE_BEAM_FRACTION) against the full
 * efConstruction beam (or the comma-separated BEAMS), in one process,
 * alternating: a graph of the first SEED rows is built once (batched, as a memtable links it), then merged
 * with the next rows the way a background merge builds (seeded by it,
 * yielding, batches of 64) with each beam in turn, ROUNDS times. Reports
 * per merge: wall and CPU seconds of the process, recall@10 at efSearch
 * 16 / 32 / 64 over the first QUERIES (300) queries against exact search, and
 * queries per CPU second at each (both graphs of a round alternating);
 * then the medians and the load average.
 *
 * Data: generated-100k (seeded Gaussian mixture around sift10k, labelled
 * generated; see generated-data.ts), split SEED = 70,000 + 30,000, as the
 * default 64 MiB memtable split it in `pnpm bench:ann` when the merge beam
 * was chosen (it now holds ≈ 90,000 of these rows; bench/build-cpu.ts).
 *
 * Run: nice -n 10 npx tsx packages/core/bench/merge-beam.ts   (ROUNDS=3 SEED=70000 SET=generated-100k BEAMS=200,100 QUERIES=1000)
 */
import { loadavg } from 'node:os';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { BENCH_HNSW_PARAMS, exactTopK, loadBenchSetNamed, recallAgainst } from './ann-sets.js';
import { median } from './ann-stats.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SET = process.env.SET ?? 'generated-100k';
const K = 10;
const QUERIES = Number(process.env.QUERIES ?? 300);
const EFS = [16, 32, 64];

const set = loadBenchSetNamed(SET);
const { dim } = set;
const SEED = Number(process.env.SEED ?? Math.round(set.rows * 0.7));
const queryCount = Math.min(QUERIES, set.queryCount);
const truth = exactTopK({ ...set, queryCount }, K);
const load = loadavg();

function recallAt(index: HnswIndex, efSearch: number): number {
  return recallAgainst(set, truth, queryCount, K, (query) => index.search(query, K, { efSearch }));
}

/** Queries per CPU second of this process at `efSearch`: the query set repeated for ≥ 0.5 s. */
function qpsCpu(index: HnswIndex, efSearch: number): number {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  let searched = 0;
  do {
    for (let q = 0; q < queryCount; q++) index.search(set.queries.subarray(q * dim, (q + 1) * dim), K, { efSearch });
    searched += queryCount;
  } while (performance.now() - w0 < 500);
  const c = process.cpuUsage(c0);
  return searched / ((c.user + c.system) / 1e6);
}

const seedIndex = await HnswIndex.build({ dimension: dim, metric: set.spec.metric, params: BENCH_HNSW_PARAMS }, set.base.subarray(0, SEED * dim), { schedule: 'batched' });
// BEAMS: linking beams to compare besides the merge beam (default: the full efConstruction).
const beams = (process.env.BEAMS ?? String(BENCH_HNSW_PARAMS.efConstruction)).split(',').map(Number);
const variants: Array<{ name: string; beam?: number }> = [...beams.map((beam) => ({ name: `beam ${beam}`, beam })), { name: 'merge beam' }];
interface Run {
  wallS: number;
  cpuS: number;
  recall: Record<number, number>;
  qpsCpu: Record<number, number>;
}
const results = new Map<string, Run[]>();
for (let round = 0; round < ROUNDS; round++) {
  const built: Array<{ name: string; index: HnswIndex; run: Run }> = [];
  for (const variant of variants) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    const merged = await HnswIndex.build({ dimension: dim, metric: set.spec.metric, params: BENCH_HNSW_PARAMS }, set.base, {
      seed: { index: seedIndex, dead: new Uint8Array(SEED), at: 0 },
      yielding: true,
      maxBatchRows: 64,
      beam: variant.beam,
    });
    const wallS = (performance.now() - w0) / 1000;
    const c = process.cpuUsage(c0);
    const recall: Record<number, number> = {};
    for (const ef of EFS) recall[ef] = recallAt(merged, ef);
    built.push({ name: variant.name, index: merged, run: { wallS, cpuS: (c.user + c.system) / 1e6, recall, qpsCpu: {} } });
  }
  // Query speed of both graphs, alternating (3 passes each per efSearch), median per graph.
  for (const ef of EFS) {
    const samples = built.map(() => [] as number[]);
    for (let pass = 0; pass < 3; pass++) built.forEach((b, i) => samples[i].push(qpsCpu(b.index, ef)));
    built.forEach((b, i) => (b.run.qpsCpu[ef] = Math.round(median(samples[i]))));
  }
  for (const { name, index, run } of built) {
    console.log(JSON.stringify({ set: SET, seedRows: SEED, rows: set.rows, round, variant: name, ...run, load: loadavg()[0] }));
    results.set(name, [...(results.get(name) ?? []), run]);
    index.dispose();
  }
}
for (const [name, runs] of results) {
  const recall = Object.fromEntries(EFS.map((ef) => [ef, median(runs.map((r) => r.recall[ef]))]));
  const qps = Object.fromEntries(EFS.map((ef) => [ef, median(runs.map((r) => r.qpsCpu[ef]))]));
  console.log(JSON.stringify({ variant: name, runs: runs.length, wallS: median(runs.map((r) => r.wallS)), cpuS: median(runs.map((r) => r.cpuS)), recall, qpsCpu: qps }));
}
console.log(JSON.stringify({ loadBefore: load, loadAfter: loadavg() }));
seedIndex.dispose();
