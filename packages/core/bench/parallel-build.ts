/**
 * HNSW build time: sequential `add` vs the batched two-thread build
 * (HnswIndex.build) vs hnswlib-node, M 16, efConstruction 200, on the same
 * data in one process. Medians of `--runs` runs (default 3) of wall and CPU
 * seconds (CPU = user + system of the whole process, workers included), and
 * recall@10 at efSearch 64 against exact search. Prints JSON lines and a table.
 *
 * Usage (from packages/core): tsx bench/parallel-build.ts [sift10k|gen100k|sweep] [--runs N]
 *   sift10k: the real set (../shared/data); gen100k: 100k generated rows
 *   (bench/generated-data.ts, labelled generated); sweep: sift10k prefixes of
 *   1k, 2k, 3k, 5k, 10k rows, sequential vs two threads, for the threshold
 *   PARALLEL_BUILD_MIN_ROWS.
 * `otherCores` reports how busy the rest of the machine was; numbers taken
 * with otherCores ≳ 0.3 on two cores say little about the two-thread build.
 * Run from source through tsx, the worker starts through tsx's loader too
 * (≈ 0.3 s more than from dist; `workerStartMs` reports that fixed cost).
 * `pnpm --filter @omendb/core bench:parallel-build` bundles the script and
 * the worker with tsup and runs the bundle, as the dist runs.
 */
import { readFileSync } from 'node:fs';
import hnswlib from 'hnswlib-node';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { loadDataset, recallAtK, referenceDistance } from '../test/helpers/datasets.js';
import { median } from './ann-stats.js';
import { generateClusteredSet } from './generated-data.js';

const M = 16;
const efConstruction = 200;
const efSearch = 64;
const k = 10;

interface DataSet {
  name: string;
  dim: number;
  base: Float32Array;
  queries: Float32Array;
}

type Mode = 'sequential' | 'two-threads' | 'hnswlib';

const args = process.argv.slice(2);
const which = args.find((a) => !a.startsWith('--')) ?? 'sift10k';
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;

function load(name: string): DataSet {
  if (name === 'gen100k') {
    const g = generateClusteredSet(100_000, 200);
    return { name: 'gen100k (generated)', dim: g.dim, base: g.base, queries: g.queries };
  }
  const d = loadDataset('sift10k', 'l2');
  return { name: 'sift10k', dim: d.base.dim, base: d.base.data, queries: d.queries.data };
}

/** Busy and total CPU ticks of the machine (/proc/stat, 100 Hz); zeros where unavailable. */
function machineTicks(): { busy: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - f[3] - f[4], total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** One build; returns wall and CPU seconds, cores other processes kept busy meanwhile, and a search function. */
async function buildOnce(set: DataSet, mode: Mode): Promise<{ wall: number; cpu: number; otherCores: number; search: (q: Float32Array) => number[] }> {
  const { dim, base } = set;
  const rows = base.length / dim;
  const ticks0 = machineTicks();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let search: (q: Float32Array) => number[];
  if (mode === 'hnswlib') {
    const index = new hnswlib.HierarchicalNSW('l2', dim);
    index.initIndex(rows, M, efConstruction, 42);
    for (let r = 0; r < rows; r++) index.addPoint(Array.from(base.subarray(r * dim, (r + 1) * dim)), r);
    index.setEf(efSearch);
    search = (q) => index.searchKnn(Array.from(q), k).neighbors;
  } else {
    const schedule = mode === 'sequential' ? 'sequential' : 'batched';
    const index = await HnswIndex.build({ dimension: dim, metric: 'l2', params: { M, efConstruction } }, base, { schedule, threads: 2 });
    search = (q) => index.search(q, k, { efSearch }).map((n) => n.row);
  }
  const wall = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  const cpu = (used.user + used.system) / 1e6;
  const otherCores = Math.max(0, ((machineTicks().busy - ticks0.busy) / 100 - cpu) / wall);
  return { wall, cpu, otherCores, search };
}

/** Mean recall@10; rows tied with the k-th exact distance count as hits. */
function recall(set: DataSet, truth: Int32Array[], search: (q: Float32Array) => number[]): number {
  const { dim, base } = set;
  let sum = 0;
  for (let q = 0; q < truth.length; q++) {
    const query = set.queries.subarray(q * dim, (q + 1) * dim);
    sum += recallAtK(search(query), truth[q], k, (row) => referenceDistance('l2', query, base.subarray(row * dim, (row + 1) * dim)));
  }
  return sum / truth.length;
}

/** Exact top-k rows of every query (brute force). */
function exactTruth(set: DataSet): Int32Array[] {
  const flat = new HnswIndex(set.dim, 'l2', {}, { initialCapacity: set.base.length / set.dim });
  for (let r = 0; r < set.base.length / set.dim; r++) flat.add(set.base.subarray(r * set.dim, (r + 1) * set.dim));
  const out: Int32Array[] = [];
  for (let q = 0; q < set.queries.length / set.dim; q++) {
    out.push(Int32Array.from(flat.search(set.queries.subarray(q * set.dim, (q + 1) * set.dim), k, { exact: true }), (n) => n.row));
  }
  flat.dispose();
  return out;
}

/** Cost of starting and stopping the worker: a 64-row batched build on two threads minus one thread. */
async function workerStartMs(dim: number): Promise<number> {
  const v = new Float32Array(64 * dim).map((_, i) => (i * 7919) % 255);
  const time = async (threads: number): Promise<number> => {
    const t0 = performance.now();
    (await HnswIndex.build({ dimension: dim, metric: 'l2' }, v, { schedule: 'batched', threads })).dispose();
    return performance.now() - t0;
  };
  const two: number[] = [];
  const one: number[] = [];
  for (let i = 0; i < 3; i++) {
    two.push(await time(2));
    one.push(await time(1));
  }
  return median(two) - median(one);
}

async function compare(set: DataSet, modes: Mode[]): Promise<void> {
  const truth = exactTruth(set);
  const rowsOut: Array<Record<string, string | number>> = [];
  const results = new Map<Mode, { wall: number; cpu: number; recall: number; otherCores: number }>();
  for (const mode of modes) {
    const walls: number[] = [];
    const cpus: number[] = [];
    const others: number[] = [];
    let r = 0;
    for (let i = 0; i < runs; i++) {
      const built = await buildOnce(set, mode);
      walls.push(built.wall);
      cpus.push(built.cpu);
      others.push(built.otherCores);
      if (i === 0) r = recall(set, truth, built.search);
    }
    results.set(mode, { wall: median(walls), cpu: median(cpus), recall: r, otherCores: median(others) });
  }
  const seq = results.get('sequential')!;
  for (const [mode, m] of results) {
    const line = {
      set: set.name,
      rows: set.base.length / set.dim,
      mode,
      runs,
      wallS: +m.wall.toFixed(3),
      cpuS: +m.cpu.toFixed(3),
      wallVsSequential: +(m.wall / seq.wall).toFixed(3),
      recallAt10: +m.recall.toFixed(4),
      // Cores other processes kept busy during the builds (median): a quiet 2-core machine shows ≈ 0.
      otherCores: +m.otherCores.toFixed(2),
    };
    console.log(JSON.stringify(line));
    rowsOut.push(line);
  }
  console.table(rowsOut);
}

const startMs = await workerStartMs(128);
console.log(JSON.stringify({ workerStartMs: Math.round(startMs) }));
if (which === 'sweep') {
  const full = load('sift10k');
  for (const rows of [1000, 2000, 3000, 5000, 10_000]) {
    await compare({ ...full, name: `sift10k[:${rows}]`, base: full.base.subarray(0, rows * full.dim) }, ['sequential', 'two-threads']);
  }
} else {
  await compare(load(which), ['sequential', 'two-threads', 'hnswlib']);
}
