/**
 * Batched queries vs one query per call, through the public API with
 * default options (efSearch the collection's default, nResults 10): QPS
 * and CPU-seconds (user + system of the whole process, so the search
 * worker's thread counts) of the same queries sent 1 per call and B per
 * call (B = 8, 32, 100), medians of `--runs` runs (default 5) in
 * alternating order, each pass `--queries` queries (default 10,000: a pass
 * of 2,000 sift10k queries lasted about 70 ms one per call and 40 ms
 * shared, short enough for a neighbour's burst on a shared 2-core machine
 * to decide a run). Also the paired ratio: each run's one-per-call time
 * over its B-per-call time, median over the runs. Batches of ≥
 * MIN_SHARED_QUERIES share their graph walks with the search worker
 * thread (see src/search/shared-search.ts).
 * Sets: sift10k (real, 100 queries, cycled to `--queries`) and
 * generated-100k (seeded Gaussian mixture around sift10k, labelled
 * generated; bench/generated-data.ts). Also the share of queries the
 * worker walked. Prints JSON, then a table.
 *
 *   pnpm bench:batched-query [--sets sift10k,generated-100k] [--runs 5] [--queries 10000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
// The sources, not dist: the bench reads how many queries the worker walked (searchWorker.sharedQueries).
import { OmenDB } from '../src/index.js';
import { searchWorker } from '../src/ann/hnsw/hnsw-search-pool.js';
import { BENCH_SETS, loadBenchSet } from './ann-sets.js';

const { values } = parseArgs({
  options: {
    sets: { type: 'string', default: 'sift10k,generated-100k' },
    runs: { type: 'string', default: '5' },
    queries: { type: 'string', default: '10000' },
  },
});
const runs = Number(values.runs);
const queryTotal = Number(values.queries);
const BATCHES = [1, 8, 32, 100];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Row {
  set: string;
  source: string;
  rows: number;
  perCall: number;
  qps: number;
  cpuSecondsPer1kQueries: number;
  ratioToOnePerCall: number;
  /** Median over the runs of each run's one-per-call seconds ÷ its seconds at this batch size. */
  pairedRatio: number;
  /** Queries the search worker walked ÷ queries sent, over the timed runs. */
  workerShare: number;
}

const out: Row[] = [];
for (const name of values.sets.split(',')) {
  const spec = BENCH_SETS.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown set ${name}`);
  const set = loadBenchSet(spec);
  const dir = mkdtempSync(join(tmpdir(), 'omendb-batched-'));
  const db = await OmenDB.open(dir, { durability: 'none' });
  try {
    const col = await db.createCollection({ name: 'bench', dimension: set.dim, metric: spec.metric });
    for (let start = 0; start < set.rows; start += 1000) {
      const end = Math.min(set.rows, start + 1000);
      const ids = Array.from({ length: end - start }, (_, i) => String(start + i));
      await col.add({ ids, embeddings: ids.map((_, i) => set.base.subarray((start + i) * set.dim, (start + i + 1) * set.dim)) });
    }
    // Seal the memtable: its graph links in batches and rows waiting for theirs are searched on the caller's thread.
    await db.checkpoint();
    // And measure the segments queries see once merges caught up, with no merge holding a core meanwhile.
    await col.waitForMerges();
    const queries = Array.from({ length: queryTotal }, (_, i) => {
      const q = i % set.queryCount;
      return set.queries.subarray(q * set.dim, (q + 1) * set.dim);
    });
    const measure = async (perCall: number): Promise<{ seconds: number; cpu: number; shared: number }> => {
      const shared0 = searchWorker.sharedQueries;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < queries.length; i += perCall) await col.query({ queryEmbeddings: queries.slice(i, i + perCall), nResults: 10 });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      return { seconds, cpu: (cpu.user + cpu.system) / 1e6, shared: searchWorker.sharedQueries - shared0 };
    };
    // Warm-up: the first batched call starts the worker; later ones share.
    for (const perCall of BATCHES) await measure(perCall);
    for (let i = 0; i < 500 && !searchWorker.available(); i++) await new Promise((r) => setTimeout(r, 20));
    const samples = new Map<number, { seconds: number[]; cpu: number[]; shared: number }>(BATCHES.map((b) => [b, { seconds: [], cpu: [], shared: 0 }]));
    for (let r = 0; r < runs; r++) {
      for (const perCall of r % 2 === 0 ? BATCHES : [...BATCHES].reverse()) {
        const m = await measure(perCall);
        samples.get(perCall)!.seconds.push(m.seconds);
        samples.get(perCall)!.cpu.push(m.cpu);
        samples.get(perCall)!.shared += m.shared;
      }
    }
    const baseQps = queries.length / median(samples.get(1)!.seconds);
    for (const perCall of BATCHES) {
      const s = samples.get(perCall)!;
      const qps = queries.length / median(s.seconds);
      out.push({
        set: name,
        source: spec.source,
        rows: set.rows,
        perCall,
        qps: Math.round(qps),
        cpuSecondsPer1kQueries: Number(((median(s.cpu) / queries.length) * 1000).toFixed(3)),
        ratioToOnePerCall: Number((qps / baseQps).toFixed(2)),
        pairedRatio: Number(median(s.seconds.map((sec, r) => samples.get(1)!.seconds[r] / sec)).toFixed(2)),
        workerShare: Number((s.shared / (runs * queries.length)).toFixed(2)),
      });
    }
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(JSON.stringify({ runs, queries: queryTotal, nResults: 10, efSearch: 'default', results: out }, null, 2));
console.log('\nset             source     rows     per call      QPS   CPU-s/1k q   × 1 per call   paired   worker share');
for (const r of out) {
  console.log(
    `${r.set.padEnd(15)} ${r.source.padEnd(10)} ${String(r.rows).padStart(7)} ${String(r.perCall).padStart(8)} ${String(r.qps).padStart(9)} ${r.cpuSecondsPer1kQueries.toFixed(3).padStart(11)} ${r.ratioToOnePerCall.toFixed(2).padStart(12)} ${r.pairedRatio.toFixed(2).padStart(8)} ${r.workerShare.toFixed(2).padStart(14)}`,
  );
}
