/**
 * Cost of one dot product, tuned scalar JavaScript vs the WebAssembly SIMD
 * kernel, at 128-d (SIFT) and 768-d, on seeded random vectors; plus the
 * per-row cost of the batch `gather` form. Prints a table and writes
 * bench/results/kernels.json. Median of 5 runs, each ≈ 0.3 CPU-s per cell.
 *
 * Run: node packages/core/scripts/build-wasm.mjs && npx tsx packages/core/bench/kernels.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KernelMemory } from '../src/kernels/kernel-memory.js';
import { METRIC_IP } from '../src/kernels/metric-code.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';

const ROWS = 1024;
const RUNS = 5;

/** Uniform in [−0.5, 0.5), from the engine's seeded generator. */
function seeded(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next() - 0.5;
}

/** Four accumulators, like the hand-tuned JS the architecture note measured. */
function dotJs(f: Float32Array, a: number, b: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 4 <= dim; i += 4) {
    s0 += f[a + i] * f[b + i];
    s1 += f[a + i + 1] * f[b + i + 1];
    s2 += f[a + i + 2] * f[b + i + 2];
    s3 += f[a + i + 3] * f[b + i + 3];
  }
  for (; i < dim; i++) s0 += f[a + i] * f[b + i];
  return s0 + s1 + s2 + s3;
}

/** CPU nanoseconds per op (user + system of this process: steadier than wall time on a shared machine). */
function timeNs(body: (iterations: number) => number, opsPerIteration: number): number {
  let iterations = 1000;
  for (;;) {
    const start = process.cpuUsage();
    body(iterations);
    const used = process.cpuUsage(start);
    const ns = (used.user + used.system) * 1000;
    if (ns > 300e6) return ns / (iterations * opsPerIteration);
    iterations *= 2;
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

interface Row {
  dim: number;
  jsDotNs: number;
  wasmDotNs: number;
  wasmGatherPerRowNs: number;
  speedup: number;
}

function measure(dim: number): Row {
  const memory = KernelMemory.create({ backend: 'wasm-simd' });
  const query = 0;
  const ids = dim * 4;
  const out = ids + ROWS * 4;
  const base = out + ROWS * 4;
  memory.ensureBytes(base + ROWS * dim * 4);
  const random = seeded(dim);
  const f32 = memory.f32;
  for (let i = 0; i < dim * (ROWS + 1); i++) f32[i < dim ? i : (base >> 2) + i - dim] = random();
  for (let i = 0; i < ROWS; i++) memory.i32[(ids >> 2) + i] = (i * 7919) % ROWS;
  const k = memory.kernels;
  let sink = 0;
  const js: number[] = [];
  const wasm: number[] = [];
  const gather: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    js.push(
      timeNs((n) => {
        for (let it = 0; it < n; it++) sink += dotJs(f32, 0, (base >> 2) + (it % ROWS) * dim, dim);
        return sink;
      }, 1),
    );
    wasm.push(
      timeNs((n) => {
        for (let it = 0; it < n; it++) sink += k.dot(query, base + (it % ROWS) * dim * 4, dim);
        return sink;
      }, 1),
    );
    gather.push(
      timeNs((n) => {
        for (let it = 0; it < n; it++) k.gather(METRIC_IP, query, 1, base, 0, dim, ids, 32, out);
        return 0;
      }, 32),
    );
  }
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the loops alive');
  const jsDotNs = median(js);
  const wasmDotNs = median(wasm);
  return { dim, jsDotNs, wasmDotNs, wasmGatherPerRowNs: median(gather), speedup: jsDotNs / wasmDotNs };
}

const rows = [measure(128), measure(768)];
console.log('dim | JS dot ns | WASM SIMD dot ns | WASM gather ns/row | speedup');
for (const r of rows) {
  console.log(
    `${r.dim} | ${r.jsDotNs.toFixed(1)} | ${r.wasmDotNs.toFixed(1)} | ${r.wasmGatherPerRowNs.toFixed(1)} | ${r.speedup.toFixed(2)}×`,
  );
}
const result = { node: process.version, runs: RUNS, rows };
const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'kernels.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result));
