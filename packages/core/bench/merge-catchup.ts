/**
 * Background merges with the default options, as a new user gets them:
 * OmenDB.open(dir) and createCollection({ name, dimension }) with nothing
 * else (durability 'sync', 64 MiB memtable, default merge policy, M 16,
 * efConstruction 200), add in batches of 1,000, then one checkpoint.
 * Reports per run:
 * - segment count over time (sampled every 250 ms; changes only) and how long
 *   merging takes to catch up after the last checkpoint;
 * - the event loop's longest stall and p99 (perf_hooks monitorEventLoopDelay,
 *   10 ms resolution) while merges run;
 * - recall@10 and QPS (per wall second and per CPU second of the process,
 *   one query at a time) over efSearch, and QPS at
 *   recall 0.95 (interpolated): while merging (merges compete for the CPU),
 *   after catch-up, for a single-segment collection of the same rows (the
 *   former bench configuration: memtableLimitBytes 2^40, a labelled extra),
 *   and for hnswlib-node built in the same run (M 16, efConstruction 200).
 * Medians over RUNS (default 3) are printed and written to
 * bench/results/merge-catchup.json.
 *
 * Data: generated-100k (seeded Gaussian mixture around sift10k, labelled
 * generated; see generated-data.ts), or SET=generated-1m.
 *
 * Run: pnpm --filter @omendb/core build && nice -n 10 npx tsx packages/core/bench/merge-catchup.ts
 *      RUNS=1 SET=generated-1m … (heavy on a shared machine)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import hnswlib from 'hnswlib-node';
import { OmenDB, type Collection } from '../dist/index.js';
import { addAll } from './ann-engines.js';
import { BENCH_SETS, exactTopK, loadBenchSet, type BenchSet } from './ann-sets.js';
import { median, qpsAtRecall, type SweepPoint } from './ann-stats.js';

const RUNS = Number(process.env.RUNS ?? 3);
const SET = process.env.SET ?? 'generated-100k';
const K = 10;
const EFS = [16, 24, 32, 48, 64, 96, 128, 256];
/** Queries per sweep point (the first n of the set's). */
const QUERIES = Number(process.env.QUERIES ?? 300);

const spec = BENCH_SETS.find((s) => s.name === SET);
if (!spec) throw new Error(`unknown SET ${SET}`);
const set = loadBenchSet(spec);
const truth = exactTopK({ ...set, queryCount: Math.min(QUERIES, set.queryCount) }, K);
const queryCount = Math.min(QUERIES, set.queryCount);
const query = (q: number) => set.queries.subarray(q * set.dim, (q + 1) * set.dim);

function recallOf(q: number, got: ArrayLike<number>): number {
  const want = new Set(truth.subarray(q * K, (q + 1) * K));
  let hits = 0;
  for (let i = 0; i < got.length; i++) if (want.has(got[i])) hits++;
  return hits / K;
}

/** A sweep point with QPS per wall second (`qps`) and per CPU second of this process (`qpsCpu`). */
interface Point extends SweepPoint {
  qpsCpu: number;
}

async function sweep(search: (q: number, ef: number) => Promise<ArrayLike<number>> | ArrayLike<number>): Promise<Point[]> {
  const points: Point[] = [];
  for (const ef of EFS) {
    let recall = 0;
    const t = performance.now();
    const cpu = process.cpuUsage();
    for (let q = 0; q < queryCount; q++) recall += recallOf(q, await search(q, ef));
    const used = process.cpuUsage(cpu);
    points.push({ ef, recall: recall / queryCount, qps: queryCount / ((performance.now() - t) / 1000), qpsCpu: queryCount / ((used.user + used.system) / 1e6) });
  }
  return points;
}

/** QPS at recall 0.95 per CPU second (the steadier figure on a shared machine; while merging it also counts the merge's CPU). */
const cpuAt95 = (points: Point[]) => qpsAtRecall(points.map((p) => ({ ef: p.ef, recall: p.recall, qps: p.qpsCpu })), 0.95);

const omendbSearch = (col: Collection) => async (q: number, ef: number) => (await col.query({ queryEmbeddings: [query(q)], nResults: K, efSearch: ef, include: [] })).ids[0].map(Number);

interface RunResult {
  ingestSeconds: number;
  segmentsAtLastCheckpoint: number;
  catchUpSeconds: number;
  timeline: string[];
  stallMaxMs: number;
  stallP99Ms: number;
  qps95During: number | null;
  qps95After: number | null;
  qps95SingleSegment: number | null;
  qps95Hnswlib: number | null;
  cpuQps95After: number | null;
  cpuQps95SingleSegment: number | null;
  cpuQps95Hnswlib: number | null;
  sweeps: Record<string, Point[]>;
}

async function runOnce(b: BenchSet): Promise<RunResult> {
  const root = mkdtempSync(join(tmpdir(), 'omendb-merge-catchup-'));
  try {
    // Defaults, as a new user gets them.
    const db = await OmenDB.open(join(root, 'default'));
    const col = await db.createCollection({ name: 'bench', dimension: b.dim });
    const started = performance.now();
    const timeline: string[] = [];
    let last = '';
    const sample = () => {
      const s = `${col.stats().segments} segments${(col as unknown as { store: { merger: { active: boolean } } }).store.merger.active ? ' (merging)' : ''}`;
      if (s !== last) timeline.push(`${((performance.now() - started) / 1000).toFixed(1)} s: ${s}`);
      last = s;
    };
    const sampler = setInterval(sample, 250);
    await addAll(col, b.base, b.dim);
    await db.checkpoint();
    const ingestSeconds = (performance.now() - started) / 1000;
    sample();
    const segmentsAtLastCheckpoint = col.stats().segments;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const lastCheckpoint = performance.now();
    const during = await sweep(omendbSearch(col));
    await col.waitForMerges();
    const catchUpSeconds = (performance.now() - lastCheckpoint) / 1000;
    delay.disable();
    sample();
    clearInterval(sampler);
    const after = await sweep(omendbSearch(col));
    await db.close();

    // The former configuration: one memtable, one segment (a labelled extra row, not the default).
    const single = await OmenDB.open(join(root, 'single'), { memtableLimitBytes: 2 ** 40 });
    const one = await single.createCollection({ name: 'bench', dimension: b.dim });
    await addAll(one, b.base, b.dim);
    await single.checkpoint();
    const singleSweep = await sweep(omendbSearch(one));
    await single.close();

    const index = new hnswlib.HierarchicalNSW('l2', b.dim);
    index.initIndex(b.rows, 16, 200, 42);
    for (let r = 0; r < b.rows; r++) index.addPoint(Array.from(b.base.subarray(r * b.dim, (r + 1) * b.dim)), r);
    const arrays = Array.from({ length: queryCount }, (_, q) => Array.from(query(q)));
    const hnswSweep = await sweep((q, ef) => {
      index.setEf(ef);
      return index.searchKnn(arrays[q], K).neighbors;
    });

    return {
      ingestSeconds,
      segmentsAtLastCheckpoint,
      catchUpSeconds,
      timeline,
      stallMaxMs: delay.max / 1e6,
      stallP99Ms: delay.percentile(99) / 1e6,
      qps95During: qpsAtRecall(during, 0.95),
      qps95After: qpsAtRecall(after, 0.95),
      qps95SingleSegment: qpsAtRecall(singleSweep, 0.95),
      qps95Hnswlib: qpsAtRecall(hnswSweep, 0.95),
      cpuQps95After: cpuAt95(after),
      cpuQps95SingleSegment: cpuAt95(singleSweep),
      cpuQps95Hnswlib: cpuAt95(hnswSweep),
      sweeps: { during, after, single: singleSweep, hnswlib: hnswSweep },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const runs: RunResult[] = [];
for (let r = 0; r < RUNS; r++) {
  const result = await runOnce(set);
  runs.push(result);
  const { sweeps, timeline, ...figures } = result;
  console.log(`run ${r + 1}/${RUNS} (${SET}, ${set.rows} × ${set.dim}, generated):`, JSON.stringify(figures));
  console.log(`  segments over time: ${timeline.join('; ')}`);
  for (const [name, points] of Object.entries(sweeps)) console.log(`  ${name.padEnd(8)} ${points.map((p) => `ef ${p.ef}: ${p.recall.toFixed(3)} @ ${p.qps.toFixed(0)} (${p.qpsCpu.toFixed(0)}/CPU-s)`).join(', ')}`);
}
const med = (pick: (r: RunResult) => number | null) => {
  const values = runs.map(pick).filter((v): v is number => v !== null);
  return values.length === 0 ? null : median(values);
};
const summary = {
  set: `${SET} (${set.rows} × ${set.dim}, l2, generated: Gaussian mixture around sift10k)`,
  runs: RUNS,
  queriesPerPoint: queryCount,
  ingestSeconds: med((r) => r.ingestSeconds),
  segmentsAtLastCheckpoint: med((r) => r.segmentsAtLastCheckpoint),
  catchUpSeconds: med((r) => r.catchUpSeconds),
  stallMaxMs: med((r) => r.stallMaxMs),
  stallP99Ms: med((r) => r.stallP99Ms),
  qps95During: med((r) => r.qps95During),
  qps95After: med((r) => r.qps95After),
  qps95SingleSegment: med((r) => r.qps95SingleSegment),
  qps95Hnswlib: med((r) => r.qps95Hnswlib),
  cpuQps95After: med((r) => r.cpuQps95After),
  cpuQps95SingleSegment: med((r) => r.cpuQps95SingleSegment),
  cpuQps95Hnswlib: med((r) => r.cpuQps95Hnswlib),
  cpuAfterVsSingleSegment: med((r) => (r.cpuQps95After && r.cpuQps95SingleSegment ? r.cpuQps95After / r.cpuQps95SingleSegment : null)),
  cpuAfterVsHnswlib: med((r) => (r.cpuQps95After && r.cpuQps95Hnswlib ? r.cpuQps95After / r.cpuQps95Hnswlib : null)),
  afterVsSingleSegment: med((r) => (r.qps95After && r.qps95SingleSegment ? r.qps95After / r.qps95SingleSegment : null)),
  afterVsHnswlib: med((r) => (r.qps95After && r.qps95Hnswlib ? r.qps95After / r.qps95Hnswlib : null)),
  duringVsHnswlib: med((r) => (r.qps95During && r.qps95Hnswlib ? r.qps95During / r.qps95Hnswlib : null)),
  command: `${process.env.RUNS ? `RUNS=${RUNS} ` : ''}${process.env.SET ? `SET=${SET} ` : ''}npx tsx packages/core/bench/merge-catchup.ts`,
  date: new Date().toISOString(),
};
console.log('medians:', JSON.stringify(summary, null, 2));
const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, `merge-catchup-${SET}.json`), JSON.stringify({ summary, runs }, null, 2) + '\n');
