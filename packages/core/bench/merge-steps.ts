/**
 * Which synchronous steps of a background merge hold the event loop, and
 * for how long? Writes two segments of ROWS / 2 generated 128-d rows each
 * (seeded Gaussian mixture around sift10k, labelled generated) with merges
 * off, reopens with the default options (the merge starts at open) and
 * times, while it runs, the longest and total wall milliseconds of each
 * synchronous step it calls (wrapped here): a batch link, the graph's
 * serialization, the exact-size reopen of the built graph, the segment's
 * encoding (checksums included), the file write and the segment load; and
 * the event loop's longest stall (monitorEventLoopDelay, 5 ms resolution).
 *
 * Also the merge's wall seconds and CPU seconds (process.cpuUsage: every
 * thread of the process, the build's worker included), the load average
 * before and after, and recall@10 at efSearch 64 of the merged collection
 * over 100 queries (exact search as truth). The merge is seeded by its
 * larger segment's graph (hnsw-seed.ts); SEED=off strips the seed from the
 * build (wrapped here), the whole-rebuild merge, for comparison.
 *
 * Run: node packages/core/scripts/build-wasm.mjs && nice -n 10 npx tsx packages/core/bench/merge-steps.ts
 *      ROWS=100000 SEED=off …
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { OmenDB } from '../src/index.js';
import { NodeVfs } from '../src/fs/node-vfs.js';
import { BatchLinker } from '../src/ann/hnsw/hnsw-build.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { Segment } from '../src/storage/segment.js';
import type { CollectionStore } from '../src/storage/collection-store.js';
import { generateClusteredSet } from './generated-data.js';

const ROWS = Number(process.env.ROWS ?? 40_000);
const steps = new Map<string, { max: number; total: number; calls: number }>();
let timing = false;

/** Wraps `owner[name]` so each call's wall time is recorded under `label` while `timing` is set. */
function time(owner: object, name: string, label: string): void {
  const target = owner as Record<string, (...args: unknown[]) => unknown>;
  const original = target[name];
  target[name] = function (this: unknown, ...args: unknown[]) {
    const t = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      if (timing) {
        const ms = performance.now() - t;
        const s = steps.get(label) ?? { max: 0, total: 0, calls: 0 };
        steps.set(label, { max: Math.max(s.max, ms), total: s.total + ms, calls: s.calls + 1 });
      }
    }
  };
}
time(BatchLinker.prototype, 'link', 'link one batch');
time(HnswIndex.prototype, 'serializeGraph', 'serialize graph');
time(HnswIndex, 'open', 'reopen built graph (exact size)');
time(Segment, 'encode', 'encode segment (checksums)');
time(NodeVfs.prototype, 'write', 'write segment file');
time(Segment, 'load', 'load segment');

const SEEDED = process.env.SEED !== 'off';
if (!SEEDED) {
  const build = HnswIndex.build.bind(HnswIndex);
  HnswIndex.build = (spec, vectors, options = {}) => build(spec, vectors, { ...options, seed: undefined });
}

const set = generateClusteredSet(ROWS, 100);
const root = mkdtempSync(join(tmpdir(), 'omendb-merge-steps-'));
try {
  let db = await OmenDB.open(root, { durability: 'none', mergePolicy: false });
  const col = await db.createCollection({ name: 'm', dimension: set.dim });
  const row = (r: number) => set.base.subarray(r * set.dim, (r + 1) * set.dim);
  for (let start = 0; start < ROWS; start += 1000) {
    const ids = Array.from({ length: Math.min(1000, ROWS - start) }, (_, i) => start + i);
    await col.add({ ids: ids.map(String), embeddings: ids.map(row) });
    // Two segments: one checkpoint halfway, one at close.
    if (start + 1000 === ROWS / 2) await db.checkpoint();
  }
  await db.close();
  const delay = monitorEventLoopDelay({ resolution: 5 });
  timing = true;
  delay.enable();
  const loadBefore = loadavg()[0];
  const cpu = process.cpuUsage();
  const started = performance.now();
  db = await OmenDB.open(root);
  const merging = await db.getCollection('m');
  await merging.waitForMerges();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  delay.disable();
  timing = false;
  const store = (merging as unknown as { store: CollectionStore }).store;
  const merge = SEEDED ? 'seeded merge' : 'rebuild merge (SEED=off)';
  console.log(`${ROWS} × ${set.dim} generated rows in 2 segments → ${store.state.segments.length} after ${seconds.toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} CPU-s (${merge}); load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}`);
  let hits = 0;
  for (let q = 0; q < set.queryCount; q++) {
    const query = Array.from(set.queries.subarray(q * set.dim, (q + 1) * set.dim));
    const truth = new Set((await merging.query({ queryEmbeddings: [query], nResults: 10, exact: true })).ids[0]);
    hits += (await merging.query({ queryEmbeddings: [query], nResults: 10, efSearch: 64 })).ids[0].filter((id) => truth.has(id)).length;
  }
  console.log(`recall@10 at efSearch 64 after the merge: ${(hits / (10 * set.queryCount)).toFixed(3)} (${set.queryCount} queries)`);
  console.log(`event loop: longest stall ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms`);
  for (const [label, s] of steps) console.log(`  ${label.padEnd(34)} longest ${s.max.toFixed(0)} ms, total ${s.total.toFixed(0)} ms over ${s.calls} call(s)`);
  await db.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
