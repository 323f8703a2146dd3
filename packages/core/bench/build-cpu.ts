/**
 * Where a default-options build spends its CPU, by phase and by thread:
 * OmenDB.open(dir) with nothing else (durability 'sync', 64 MiB memtable,
 * background merges, M 16, efConstruction 200), add in batches of 1,000,
 * checkpoint, waitForMerges — the build `pnpm bench:ann` times. Per phase:
 * wall seconds, CPU seconds of the process (process.cpuUsage) and of each
 * thread (/proc/self/task/<tid>/stat utime + stime, Linux only; threads
 * grouped by name, workers that exited during a phase are the difference
 * between the process and the sum), and the segments after it. Prints one
 * JSON line per run and the medians; the load average before and after.
 *
 * Data: generated-100k (seeded Gaussian mixture around sift10k, labelled
 * generated; see generated-data.ts), or SET=generated-1m / sift10k.
 *
 * Run: nice -n 10 pnpm --filter @omendb/core bench:build-cpu
 *      RUNS=3 SET=generated-100k …
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { OmenDB } from '../dist/index.js';
import { addAll } from './ann-engines.js';
import { BENCH_SETS, loadBenchSet } from './ann-sets.js';
import { median } from './ann-stats.js';

const RUNS = Number(process.env.RUNS ?? 1);
const SET = process.env.SET ?? 'generated-100k';
/** Clock ticks per second of /proc/<pid>/task/<tid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

const spec = BENCH_SETS.find((s) => s.name === SET);
if (!spec) throw new Error(`unknown SET ${SET}`);
const set = loadBenchSet(spec);

/** CPU seconds per thread id, with the thread's name. */
function threadCpu(): Map<number, { name: string; seconds: number }> {
  const out = new Map<number, { name: string; seconds: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // Fields 14 and 15 of stat (utime, stime): 11 and 12 after the name.
      out.set(Number(tid), { name, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS });
    } catch {
      // The thread exited between the listing and the read.
    }
  }
  return out;
}

interface Phase {
  wallS: number;
  cpuS: number;
  /** CPU seconds by thread: main, then others by name (several with one name summed). */
  threads: Record<string, number>;
  segments: number;
}

async function measure(step: () => Promise<void>, segments: () => number): Promise<Phase> {
  const t0 = threadCpu();
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  await step();
  const wallS = (performance.now() - w0) / 1000;
  const c = process.cpuUsage(c0);
  const t1 = threadCpu();
  const threads: Record<string, number> = {};
  for (const [tid, { name, seconds }] of t1) {
    const key = tid === process.pid ? 'main' : name;
    threads[key] = Number(((threads[key] ?? 0) + seconds - (t0.get(tid)?.seconds ?? 0)).toFixed(2));
  }
  return { wallS, cpuS: (c.user + c.system) / 1e6, threads, segments: segments() };
}

const runs: Record<string, Phase>[] = [];
const load = loadavg();
for (let run = 0; run < RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'omendb-build-cpu-'));
  try {
    const db = await OmenDB.open(join(dir, 'db'));
    const col = await db.createCollection({ name: 'bench', metric: spec.metric, hnsw: { M: 16, efConstruction: 200 } });
    const segments = () => col.stats().segments;
    const phases: Record<string, Phase> = {};
    phases.add = await measure(() => addAll(col, set.base, set.dim), segments);
    phases.checkpoint = await measure(() => db.checkpoint(), segments);
    phases.merge = await measure(() => col.waitForMerges(), segments);
    const total = Object.values(phases).reduce((a, p) => ({ wallS: a.wallS + p.wallS, cpuS: a.cpuS + p.cpuS }), { wallS: 0, cpuS: 0 });
    console.log(JSON.stringify({ set: SET, rows: set.rows, run, total, phases }));
    runs.push({ ...phases, total: { ...total, threads: {}, segments: segments() } });
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const summary: Record<string, { wallS: number; cpuS: number }> = {};
for (const phase of Object.keys(runs[0])) {
  summary[phase] = {
    wallS: Number(median(runs.map((r) => r[phase].wallS)).toFixed(2)),
    cpuS: Number(median(runs.map((r) => r[phase].cpuS)).toFixed(2)),
  };
}
console.log(JSON.stringify({ set: SET, rows: set.rows, runs: RUNS, medians: summary, loadBefore: load, loadAfter: loadavg() }));
