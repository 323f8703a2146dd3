import type { WasmMemory } from '../../kernels/wasm-api.js';

/**
 * What the threads of a batch link (see hnsw-build.ts) share: the graph's
 * kernel memory (a shared WebAssembly memory holding vectors, inverse norms,
 * level-0 links, levels, upper-block starts, the upper pool, and every
 * thread's scratch, visited tags and heaps), the batch's forward edges and
 * the control words. Every thread binds its own instance of the kernels
 * to the same memory. Offsets that move when the graph grows are published
 * in the control words before each batch (see {@link CTRL}).
 */
export interface LinkShared {
  memory: WasmMemory;
  /** The kernels compiled against a shared memory (wasmSharedKernelModule). */
  module: object;
  metricCode: number;
  dim: number;
  M: number;
  efConstruction: number;
  threads: number;
  /** 4-byte slots of each scratch array of a thread. */
  capacity: number;
  /** Forward links of the current batch, per row and level a block of 2·M + 1 int32 (growable). */
  edges: SharedArrayBuffer;
  /** int32 per batch row: its first block in `edges`. */
  edgeAt: SharedArrayBuffer;
  /** int32 control words, indexed by {@link CTRL}. */
  ctrl: SharedArrayBuffer;
}

/**
 * Control words. A command is published by bumping GEN; each worker adds 1
 * to DONE when finished and sets FAILED on an error; a worker sets READY
 * once it has bound its kernels. VECTORS…UPPER are the graph's region
 * offsets for the batch; each thread t has {@link THREAD_WORDS} words from
 * `THREAD + t · THREAD_WORDS`, indexed by {@link THREAD_WORD}.
 */
export const CTRL = {
  GEN: 0,
  CMD: 1,
  START: 2,
  END: 3,
  EP: 4,
  MAXL: 5,
  NEXT: 6,
  DONE: 7,
  FAILED: 8,
  READY: 9,
  VECTORS: 10,
  NORMS: 11,
  LINKS0: 12,
  LEVELS: 13,
  UPPER_AT: 14,
  UPPER: 15,
  THREAD: 16,
} as const;
/** A thread's byte offsets: query buffer, scratch arrays (ids, out, candIds, candDists, selected; `capacity` slots each), visited tags, heaps. */
export const THREAD_WORD = { QUERY: 0, SCRATCH: 1, VISITED: 2, CANDIDATES: 3, RESULTS: 4 } as const;
export const THREAD_WORDS = 5;
export const CMD_PHASE1 = 1;
export const CMD_PHASE2 = 2;
export const CMD_QUIT = 3;

/** Control words for `threads` threads. */
export function ctrlSlots(threads: number): number {
  return CTRL.THREAD + THREAD_WORDS * threads;
}

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** Bytes of an extra thread's query buffer, at the start of its scratch area. */
export function threadQueryBytes(dim: number): number {
  return align16(dim * 4);
}

/** Bytes of one extra thread's scratch area: its query buffer, then five arrays of `capacity` 4-byte slots. */
export function threadScratchBytes(dim: number, capacity: number): number {
  return threadQueryBytes(dim) + 5 * capacity * 4;
}

/**
 * Scratch slots a linking thread needs: a row's candidates are the layer
 * search's efConstruction results plus up to `maxBatch` earlier rows of its
 * batch, and a pruned list holds 2·M + 1.
 */
export function linkCapacity(efConstruction: number, M: number, maxBatch: number): number {
  return Math.max(efConstruction + maxBatch + 1, 2 * M + 2);
}
