/**
 * How full a memtable is when it asks to be sealed: rows and bytes at the
 * first seal of a default-limit (64 MiB) memtable fed in batches of 1,000
 * (as bench/build-cpu.ts adds), with its index's growth capped to the limit
 * (Memtable.limitBytes, the store's rule) and uncapped (the index grows 1.5×
 * at a time; sealed once it holds the limit or more). Also the wall and CPU
 * seconds of the appends up to the seal, for the cost of the growth steps.
 *
 * Rows and bytes do not depend on efConstruction (a node's memory is fixed),
 * so the graph is linked with a small one to keep the run short.
 *
 * Data: generated-100k (seeded Gaussian mixture around sift10k, labelled
 * generated), or SET=generated-1m / sift10k. LIMIT_MIB=64 by default.
 *
 * Run: nice -n 10 npx tsx packages/core/bench/memtable-fill.ts
 */
import { AdaptiveIndex } from '../src/ann/adaptive-index.js';
import { Memtable } from '../src/storage/memtable.js';
import { BENCH_SETS, loadBenchSet } from './ann-sets.js';

const SET = process.env.SET ?? 'generated-100k';
const LIMIT = Number(process.env.LIMIT_MIB ?? 64) * 2 ** 20;
const BATCH = 1000;

const spec = BENCH_SETS.find((s) => s.name === SET);
if (!spec) throw new Error(`unknown SET ${SET}`);
const set = loadBenchSet(spec);

function bytesOf(memtable: Memtable): number {
  const m = memtable.memoryBytes();
  return m.vectors + m.graph + m.content + m.fullText + m.sparse;
}

function fillOnce(capped: boolean): Record<string, number | boolean> {
  const memtable = new Memtable(new AdaptiveIndex(set.dim, 'l2', { M: 16, efConstruction: 16 }));
  if (capped) memtable.limitBytes = LIMIT;
  const n = set.base.length / set.dim;
  const wall = performance.now();
  const cpu = process.cpuUsage();
  let sealed = false;
  for (let start = 0; start < n && !sealed; start += BATCH) {
    const end = Math.min(n, start + BATCH);
    for (let r = start; r < end; r++) memtable.append(String(r), set.base.subarray(r * set.dim, (r + 1) * set.dim), null, null);
    sealed = memtable.full(LIMIT, end - start);
  }
  const c = process.cpuUsage(cpu);
  const result = { capped, sealed, rows: memtable.rows, bytes: bytesOf(memtable), fillOfLimit: bytesOf(memtable) / LIMIT, wallS: (performance.now() - wall) / 1000, cpuS: (c.user + c.system) / 1e6 };
  memtable.index.dispose();
  return result;
}

for (const capped of [false, true]) console.log(JSON.stringify({ set: SET, limitMiB: LIMIT / 2 ** 20, ...fillOnce(capped) }));
