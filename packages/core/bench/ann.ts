/**
 * HnswIndex vs hnswlib-node on the real sets in ../shared/data: build rate,
 * recall@10 and single-thread QPS over efSearch 16…512, QPS at recall 0.95
 * (interpolated), and OmenDB/hnswlib ratios. M = 16, efConstruction = 200,
 * seed 42 for both. Medians over RUNS builds (default 3), each followed by a
 * query sweep (each ef: the query set repeated for ≥ MIN_SECONDS, default
 * 0.4 s); engines alternate within a run so both see the same machine noise.
 * Rates are given per wall second and per CPU second of this process; on a
 * shared machine the CPU-second figures are the steadier ones. Prints a
 * table and writes bench/results/ann.json.
 *
 * Run: node packages/core/scripts/build-wasm.mjs && npx tsx packages/core/bench/ann.ts
 *      RUNS=5 SETS=sift10k,glove25 npx tsx packages/core/bench/ann.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlatIndex } from '../src/index/flat.js';
import { DEFAULT_HNSW_PARAMS } from '../src/index/hnsw-params.js';
import type { Metric } from '../src/types.js';
import { loadDataset, recallAtK, referenceDistance, type DatasetName } from '../test/helpers/datasets.js';
import { type AnnEngine, type EngineSpec, hnswlibEngine, omendbEngine } from './ann-engines.js';
import { median, qpsAtRecall, type SweepPoint } from './ann-stats.js';

const RUNS = Number(process.env.RUNS ?? 3);
const MIN_SECONDS = Number(process.env.MIN_SECONDS ?? 0.4);
const K = 10;
const EFS = [16, 24, 32, 48, 64, 96, 128, 256, 512];
const SETS: { name: DatasetName; metric: Metric; truth: 'shipped' | 'flat' }[] = [
  { name: 'sift10k', metric: 'l2', truth: 'shipped' },
  { name: 'glove25', metric: 'cosine', truth: 'shipped' },
  // Shipped truth is inner product; cosine truth is computed exactly here.
  { name: 'scifact-bge', metric: 'cosine', truth: 'flat' },
];
const wanted = process.env.SETS?.split(',');

interface EngineResult {
  buildSeconds: number;
  buildRate: number;
  /** Rows per CPU-second of this process (robust to other load on the machine). */
  buildRateCpu: number;
  sweep: SweepPoint[];
  sweepCpu: SweepPoint[];
  qpsAt95: number | null;
  qpsAt95Cpu: number | null;
}

/** CPU seconds (user + system) this process spent since `since`. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

function rowOf(data: Float32Array, dim: number, row: number): Float32Array {
  return data.subarray(row * dim, (row + 1) * dim);
}

function runSet(set: (typeof SETS)[number]) {
  const ds = loadDataset(set.name, set.metric === 'cosine' && set.truth === 'flat' ? 'ip' : set.metric);
  const { dim } = ds;
  const n = ds.base.count;
  const queries = Array.from({ length: ds.queries.count }, (_, q) => rowOf(ds.queries.data, dim, q));
  const queryArrays = queries.map((q) => Array.from(q));
  let truth: Int32Array[];
  if (set.truth === 'shipped') {
    truth = queries.map((_, q) => ds.groundTruth.data.subarray(q * 100, q * 100 + K));
  } else {
    const flat = FlatIndex.fromVectors(dim, set.metric, ds.base.data);
    truth = queries.map((q) => Int32Array.from(flat.search(q, K).map((hit) => hit.row)));
    flat.dispose();
  }
  const recallOf = (found: ArrayLike<number>[]): number => {
    let sum = 0;
    found.forEach((rows, q) => {
      const distance = (row: number) => referenceDistance(set.metric, rowOf(ds.base.data, dim, row), queries[q]);
      sum += recallAtK(Array.from(rows), truth[q], K, distance);
    });
    return sum / queries.length;
  };
  const spec: EngineSpec = { metric: set.metric, M: 16, efConstruction: 200, seed: 42 };
  const rowArrays = Array.from({ length: n }, (_, row) => Array.from(rowOf(ds.base.data, dim, row)));
  const makers: [string, () => AnnEngine][] = [
    ['omendb', () => omendbEngine(spec)],
    ['hnswlib-node', () => hnswlibEngine(spec, rowArrays)],
  ];
  const raw = new Map<string, { build: number[]; buildCpu: number[]; qps: number[][]; qpsCpu: number[][]; recall: number[][] }>();
  for (const [name] of makers) {
    raw.set(name, { build: [], buildCpu: [], qps: EFS.map(() => []), qpsCpu: EFS.map(() => []), recall: EFS.map(() => []) });
  }
  for (let run = 0; run < RUNS; run++) {
    for (const [name, make] of makers) {
      const engine = make();
      const record = raw.get(name)!;
      let started = performance.now();
      let cpu = process.cpuUsage();
      engine.build(ds.base.data, dim);
      record.build.push((performance.now() - started) / 1000);
      record.buildCpu.push(cpuSeconds(cpu));
      engine.setEf(64);
      queries.forEach((q, i) => engine.search(q, queryArrays[i], K)); // warm-up
      EFS.forEach((ef, e) => {
        engine.setEf(ef);
        const found: ArrayLike<number>[] = [];
        for (let q = 0; q < queries.length; q++) found.push(engine.search(queries[q], queryArrays[q], K));
        record.recall[e].push(recallOf(found));
        // Repeat the query set for ≥ MIN_SECONDS so short sets time reliably.
        let searched = 0;
        let elapsed = 0;
        started = performance.now();
        cpu = process.cpuUsage();
        while (elapsed < MIN_SECONDS * 1000) {
          for (let q = 0; q < queries.length; q++) engine.search(queries[q], queryArrays[q], K);
          searched += queries.length;
          elapsed = performance.now() - started;
        }
        record.qpsCpu[e].push(searched / cpuSeconds(cpu));
        record.qps[e].push(searched / (elapsed / 1000));
      });
    }
  }
  const engines: Record<string, EngineResult> = {};
  for (const [name, record] of raw) {
    const buildSeconds = median(record.build);
    const sweep = EFS.map((ef, e) => ({ ef, recall: median(record.recall[e]), qps: median(record.qps[e]) }));
    const sweepCpu = EFS.map((ef, e) => ({ ef, recall: median(record.recall[e]), qps: median(record.qpsCpu[e]) }));
    engines[name] = {
      buildSeconds,
      buildRate: n / buildSeconds,
      buildRateCpu: n / median(record.buildCpu),
      sweep,
      sweepCpu,
      qpsAt95: qpsAtRecall(sweep, 0.95),
      qpsAt95Cpu: qpsAtRecall(sweepCpu, 0.95),
    };
  }
  const ours = engines['omendb'];
  const theirs = engines['hnswlib-node'];
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null ? a / b : null);
  const ratios = {
    buildRate: ours.buildRate / theirs.buildRate,
    buildRateCpu: ours.buildRateCpu / theirs.buildRateCpu,
    qpsAt95: ratio(ours.qpsAt95, theirs.qpsAt95),
    qpsAt95Cpu: ratio(ours.qpsAt95Cpu, theirs.qpsAt95Cpu),
    qpsByEf: EFS.map((ef, e) => ({ ef, ratio: ours.sweep[e].qps / theirs.sweep[e].qps })),
    qpsCpuByEf: EFS.map((ef, e) => ({ ef, ratio: ours.sweepCpu[e].qps / theirs.sweepCpu[e].qps })),
  };
  return { name: set.name, metric: set.metric, truth: set.truth, rows: n, dim, queries: queries.length, engines, ratios };
}

function printSet(result: ReturnType<typeof runSet>): void {
  console.log(`\n${result.name} (${result.metric}, ${result.rows} × ${result.dim}, ${result.queries} queries, truth: ${result.truth})`);
  for (const [name, r] of Object.entries(result.engines)) {
    console.log(
      `  ${name.padEnd(13)} build ${r.buildSeconds.toFixed(2)} s wall (${r.buildRate.toFixed(0)} vec/s; ${r.buildRateCpu.toFixed(0)} vec/CPU-s)` +
        `  QPS@0.95 ${r.qpsAt95?.toFixed(0) ?? 'n/a'} wall, ${r.qpsAt95Cpu?.toFixed(0) ?? 'n/a'} per CPU-s`,
    );
  }
  console.log('  ef   | omendb recall  QPS  QPS/CPU-s | hnswlib recall  QPS  QPS/CPU-s | ratio wall, CPU');
  result.ratios.qpsByEf.forEach(({ ef, ratio }, e) => {
    const a = result.engines['omendb'];
    const b = result.engines['hnswlib-node'];
    const cells = (r: EngineResult) =>
      `${r.sweep[e].recall.toFixed(4)} ${r.sweep[e].qps.toFixed(0).padStart(6)} ${r.sweepCpu[e].qps.toFixed(0).padStart(6)}`;
    console.log(`  ${String(ef).padEnd(4)} | ${cells(a)}  | ${cells(b)}  | ${ratio.toFixed(2)}×, ${result.ratios.qpsCpuByEf[e].ratio.toFixed(2)}×`);
  });
  const fmt = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(2)}×`);
  const r = result.ratios;
  console.log(
    `  ratios omendb/hnswlib: build rate ${fmt(r.buildRate)} wall, ${fmt(r.buildRateCpu)} CPU; QPS@0.95 ${fmt(r.qpsAt95)} wall, ${fmt(r.qpsAt95Cpu)} CPU`,
  );
}

const results = SETS.filter((s) => wanted === undefined || wanted.includes(s.name)).map((set) => {
  const result = runSet(set);
  printSet(result);
  return result;
});
const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  runs: RUNS,
  minSecondsPerEf: MIN_SECONDS,
  k: K,
  params: { M: 16, efConstruction: 200, seed: 42, defaultEfSearch: DEFAULT_HNSW_PARAMS.efSearch },
  sets: results,
};
const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'ann.json'), JSON.stringify(report, null, 2) + '\n');
console.log(`\nwrote ${join(outDir, 'ann.json')}`);
