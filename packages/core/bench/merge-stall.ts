/**
 * How long does a merge's graph build hold the event loop? Builds the HNSW
 * graph of ROWS (default 30,000) generated 128-d rows (seeded Gaussian
 * mixture around sift10k, labelled generated; M 16, efConstruction 200, two
 * threads) as a background merge does (HnswIndex.build with `yielding`: a
 * turn of the event loop between batches) at several largest batch sizes,
 * and once without yielding (the build compact() used before: one
 * synchronous link of every batch). Reports per variant the event loop's
 * longest stall and p99 (perf_hooks monitorEventLoopDelay, 5 ms
 * resolution), the build's wall seconds, and recall@10 at efSearch 64 over
 * 200 queries (batches shape the graph). Medians over RUNS (default 1).
 *
 * Run: node packages/core/scripts/build-wasm.mjs && nice -n 10 npx tsx packages/core/bench/merge-stall.ts
 *      ROWS=100000 BATCHES=128,256 RUNS=3 …
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { FlatIndex } from '../src/ann/exact/flat.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { median } from './ann-stats.js';
import { generateClusteredSet } from './generated-data.js';

const ROWS = Number(process.env.ROWS ?? 30_000);
const RUNS = Number(process.env.RUNS ?? 1);
const BATCHES = (process.env.BATCHES ?? '64,256,1024').split(',').map(Number);
const K = 10;
const set = generateClusteredSet(ROWS, 200);
const dim = set.dim;
const flat = FlatIndex.fromVectors(dim, 'l2', set.base);
const queries = Array.from({ length: set.queryCount }, (_, q) => set.queries.subarray(q * dim, (q + 1) * dim));
const truth = queries.map((q) => new Set(flat.search(q, K).map((h) => h.row)));

interface Measured {
  stallMaxMs: number;
  stallP99Ms: number;
  seconds: number;
  recall: number;
}

async function measure(variant: { yielding: boolean; maxBatchRows?: number }): Promise<Measured> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const started = performance.now();
  const index = await HnswIndex.build({ dimension: dim, metric: 'l2', params: { M: 16, efConstruction: 200 } }, set.base, { ...variant, threads: 2 });
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  let hits = 0;
  queries.forEach((q, i) => {
    for (const n of index.search(q, K, { efSearch: 64 })) if (truth[i].has(n.row)) hits++;
  });
  index.dispose();
  return { stallMaxMs: delay.max / 1e6, stallP99Ms: delay.percentile(99) / 1e6, seconds, recall: hits / (queries.length * K) };
}

const variants = [...BATCHES.map((b) => ({ label: `yielding, batches ≤ ${b}`, yielding: true, maxBatchRows: b })), { label: 'not yielding (default batches)', yielding: false }];
console.log(`${ROWS} × ${dim} generated rows, ${RUNS} run(s), load average at start ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
for (const v of variants) {
  const runs: Measured[] = [];
  for (let r = 0; r < RUNS; r++) runs.push(await measure(v));
  const m = (pick: (x: Measured) => number) => median(runs.map(pick));
  console.log(
    `${v.label.padEnd(32)} longest stall ${m((x) => x.stallMaxMs).toFixed(0)} ms, p99 ${m((x) => x.stallP99Ms).toFixed(0)} ms, build ${m((x) => x.seconds).toFixed(1)} s, recall@10 ${m((x) => x.recall).toFixed(3)}`,
  );
}
