/**
 * Does moving the level-0 search loop into WebAssembly pay? Builds and
 * queries HnswIndex twice on the same data: with the loop in WebAssembly
 * (the default) and with the JavaScript loop that calls the SIMD `gather`
 * kernel once per expanded node (the loop the scalar fallback uses, here
 * still on SIMD kernels). M = 16, efConstruction = 200, efSearch = 64,
 * seed 42; medians of RUNS (default 3); times are CPU seconds of this
 * process. Writes bench/results/search-loop.json.
 *
 * Run: node packages/core/scripts/build-wasm.mjs && npx tsx packages/core/bench/search-loop.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import type { HnswGraph } from '../src/ann/hnsw/hnsw-graph.js';
import type { Metric } from '../src/types.js';
import { loadDataset, type DatasetName } from '../test/helpers/datasets.js';
import { median } from './ann-stats.js';

const RUNS = Number(process.env.RUNS ?? 3);
const SETS: [DatasetName, Metric][] = [
  ['sift10k', 'l2'],
  ['glove25', 'cosine'],
  ['scifact-bge', 'ip'],
];

/** CPU seconds (user + system) of this process since `since`: steadier than wall time on a shared machine. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

function measure(name: DatasetName, metric: Metric, loop: 'wasm' | 'js') {
  const ds = loadDataset(name, metric);
  const index = new HnswIndex(ds.dim, metric, { seed: 42 }, { initialCapacity: ds.base.count });
  if (loop === 'js') {
    // Bench-only reach into the index: without graph kernels the level-0
    // search takes the JavaScript path.
    (index as unknown as { graph: HnswGraph }).graph.rows.memory.graphKernels = null;
  }
  let cpu = process.cpuUsage();
  for (let row = 0; row < ds.base.count; row++) index.add(ds.base.data.subarray(row * ds.dim, (row + 1) * ds.dim));
  const buildSeconds = cpuSeconds(cpu);
  const queries = Array.from({ length: ds.queries.count }, (_, q) => ds.queries.data.subarray(q * ds.dim, (q + 1) * ds.dim));
  let searched = 0;
  const started = performance.now();
  cpu = process.cpuUsage();
  while (performance.now() - started < 500) {
    for (const q of queries) index.search(q, 10);
    searched += queries.length;
  }
  const qps = searched / cpuSeconds(cpu);
  index.dispose();
  return { buildSeconds, qps };
}

const rows = SETS.map(([name, metric]) => {
  const runs = { wasm: [] as { buildSeconds: number; qps: number }[], js: [] as { buildSeconds: number; qps: number }[] };
  for (let run = 0; run < RUNS; run++) {
    runs.wasm.push(measure(name, metric, 'wasm'));
    runs.js.push(measure(name, metric, 'js'));
  }
  const summary = (list: { buildSeconds: number; qps: number }[]) => ({
    buildSeconds: median(list.map((r) => r.buildSeconds)),
    qps: median(list.map((r) => r.qps)),
  });
  const wasm = summary(runs.wasm);
  const js = summary(runs.js);
  return { name, metric, wasmLoop: wasm, jsLoop: js, buildSpeedup: js.buildSeconds / wasm.buildSeconds, qpsSpeedup: wasm.qps / js.qps };
});
console.log('set | build CPU-s (WASM loop / JS loop) | QPS per CPU-s @ef64 (WASM loop / JS loop) | speedups build, QPS');
for (const r of rows) {
  console.log(
    `${r.name} | ${r.wasmLoop.buildSeconds.toFixed(2)} / ${r.jsLoop.buildSeconds.toFixed(2)} | ${r.wasmLoop.qps.toFixed(0)} / ${r.jsLoop.qps.toFixed(0)} | ${r.buildSpeedup.toFixed(2)}×, ${r.qpsSpeedup.toFixed(2)}×`,
  );
}
const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'search-loop.json'), JSON.stringify({ node: process.version, runs: RUNS, rows }, null, 2) + '\n');
