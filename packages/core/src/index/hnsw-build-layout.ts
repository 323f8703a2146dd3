import type { WasmMemory } from './kernels/wasm-api.js';

/**
 * Shared state of a batch-parallel HNSW build (see hnsw-build.ts): one
 * shared WebAssembly memory holding per-thread scratch, the vectors, the
 * cosine inverse norms and the level-0 links, plus SharedArrayBuffers for
 * levels, upper-level links, the batch's forward edges and the control words.
 * Every thread binds its own instance of the kernels to the same memory.
 */
export interface BuildShared {
  memory: WasmMemory;
  /** The kernels compiled against a shared memory (wasmSharedKernelModule). */
  module: object;
  metricCode: number;
  layout: BuildLayout;
  /** uint8 per row. */
  levels: SharedArrayBuffer;
  /** int32 per row: first upper block in `upperPool`, −1 for level-0 rows. */
  upperAt: SharedArrayBuffer;
  /** int32 blocks of `M + 1` per upper level, in row order (as HnswGraph.upperPool). */
  upperPool: SharedArrayBuffer;
  /** Forward links of the current batch: per row and level, a block of 2·M + 1 int32. */
  edges: SharedArrayBuffer;
  /** int32 per batch row: its first block in `edges`. */
  edgeAt: SharedArrayBuffer;
  /** int32 control words, indexed by {@link CTRL}. */
  ctrl: SharedArrayBuffer;
}

/** Control words: a command is published by bumping GEN; each worker adds 1 to DONE when finished. */
export const CTRL = { GEN: 0, CMD: 1, START: 2, END: 3, EP: 4, MAXL: 5, NEXT: 6, DONE: 7, FAILED: 8 } as const;
export const CTRL_SLOTS = 16;
export const CMD_PHASE1 = 1;
export const CMD_PHASE2 = 2;
export const CMD_QUIT = 3;

/** Byte offsets (per thread: relative to the thread's base) of the shared memory. */
export interface BuildLayout {
  rows: number;
  dim: number;
  M: number;
  efConstruction: number;
  threads: number;
  stride0: number;
  strideUpper: number;
  /** 4-byte slots of each per-thread candidate array. */
  capacity: number;
  perThread: { query: number; ids: number; out: number; candIds: number; candDists: number; selected: number; candHeap: number; resHeap: number; visited: number };
  perThreadBytes: number;
  vectors: number;
  norms: number;
  links0: number;
  totalBytes: number;
}

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/**
 * Layout for `rows` rows and `threads` threads. A row's candidate list holds
 * the layer search's ef results plus up to `maxBatch` earlier rows of its
 * batch; the heaps get 8 bytes per row (a search holds at most one entry per
 * visited row, as HnswGraph's heaps).
 */
export function planLayout(p: { rows: number; dim: number; M: number; efConstruction: number; threads: number; maxBatch: number }): BuildLayout {
  const { rows, dim, M, efConstruction, threads, maxBatch } = p;
  const capacity = Math.max(efConstruction + maxBatch + 1, 2 * M + 2);
  const ids = align16(dim * 4);
  const out = ids + capacity * 4;
  const candIds = out + capacity * 4;
  const candDists = candIds + capacity * 4;
  const selected = candDists + capacity * 4;
  const candHeap = align16(selected + capacity * 4);
  const resHeap = align16(candHeap + 8 * rows);
  const visited = align16(resHeap + 8 * rows);
  const perThreadBytes = align16(visited + 4 * rows);
  const vectors = perThreadBytes * threads;
  const norms = align16(vectors + rows * dim * 4);
  const links0 = align16(norms + rows * 4);
  const stride0 = 2 * M + 1;
  return {
    rows,
    dim,
    M,
    efConstruction,
    threads,
    stride0,
    strideUpper: M + 1,
    capacity,
    perThread: { query: 0, ids, out, candIds, candDists, selected, candHeap, resHeap, visited },
    perThreadBytes,
    vectors,
    norms,
    links0,
    totalBytes: links0 + rows * stride0 * 4,
  };
}
