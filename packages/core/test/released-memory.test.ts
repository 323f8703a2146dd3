/**
 * The WebAssembly memories of sealed memtables and merged-away segments
 * become unreachable: once a merge is published, a garbage collection frees
 * them (RSS per vector depends on it: each holds its rows' vectors and graph).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { EXACT_MEMTABLE_ROWS } from '../src/ann/adaptive-index.js';
import { OmenDB, type Collection } from '../src/index.js';
import { wasmApi, type WasmMemory } from '../src/kernels/wasm-api.js';
import { storeOf } from './helpers/store.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

const SEED = 9120;
const DIM = 16;
const ROWS = EXACT_MEMTABLE_ROWS + 500;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Every WebAssembly memory reachable from `root` through own properties, `depth` steps at most. */
function memoriesUnder(root: unknown, depth = 6, seen = new Set<unknown>()): WasmMemory[] {
  if (root === null || typeof root !== 'object' || seen.has(root) || ArrayBuffer.isView(root)) return [];
  seen.add(root);
  if (root instanceof wasmApi.Memory) return [root as WasmMemory];
  if (depth === 0) return [];
  return Object.values(root).flatMap((value) => memoriesUnder(value, depth - 1, seen));
}

/** Registers every memory under `root` with `registry`; returns how many. A function of its own, so no frame of the test keeps one. */
function watch(registry: FinalizationRegistry<number>, root: unknown, part: number): { all: number; shared: number } {
  const memories = memoriesUnder(root);
  for (const memory of memories) registry.register(memory, part);
  return { all: memories.length, shared: memories.filter((m) => m.buffer instanceof SharedArrayBuffer).length };
}

function rows(n: number, from: number, rand: () => number): { ids: string[]; embeddings: number[][] } {
  const centres = Array.from({ length: 8 }, () => Array.from({ length: DIM }, () => rand() * 10));
  const ids = Array.from({ length: n }, (_, i) => `r${from + i}`);
  return { ids, embeddings: ids.map(() => centres[Math.floor(rand() * centres.length)].map((x) => x + rand() - 0.5)) };
}

describe('memory of sealed and merged-away parts', () => {
  it('is collected once the merge over them is published', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'c', dimension: DIM, hnsw: { M: 8, efConstruction: 32 } });
    const rand = seededRandom(SEED);
    let collected = 0;
    const registry = new FinalizationRegistry<number>(() => collected++);
    let registered = 0;
    let graphs = 0;
    for (let part = 0; part < 2; part++) {
      // Past EXACT_MEMTABLE_ROWS: the memtable grows a graph, linked on worker threads bound to its memory.
      await col.add(rows(ROWS, part * ROWS, rand));
      // The memtable's memories: freed at the seal (an exact-size copy serves the segment until the merge).
      const watched = watch(registry, storeOf(col).state.memtable, part);
      registered += watched.all;
      graphs += watched.shared;
      await db.checkpoint();
    }
    await col.waitForMerges();
    expect(col.stats().segments, `seed ${SEED}`).toBe(1);
    // Per part at least the graph's memory (shared with the linker's threads), besides the exact index's.
    expect(graphs, `seed ${SEED}`).toBe(2);
    for (let turn = 0; turn < 200 && collected < registered; turn++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(collected, `seed ${SEED}: memories collected of ${registered}`).toBe(registered);
    expect((await col.query({ queryEmbeddings: [rows(1, 0, seededRandom(SEED)).embeddings[0]], nResults: 1 })).ids[0]).toHaveLength(1);
    await db.close();
  });
});
