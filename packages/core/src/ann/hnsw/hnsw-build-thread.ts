import { MaxHeap, MinHeap } from '../../kernels/heap.js';
import { CTRL, type LinkShared, THREAD_WORD, THREAD_WORDS } from './hnsw-build-layout.js';
import { descend, queryDistance, searchLayer, type WalkGraph, type WalkScratch, type WasmLevel } from './hnsw-search-layer.js';
import { sortByDistance } from './hnsw-steps.js';
import { type GraphKernels, type Kernels, warmRows } from '../../kernels/kernels.js';
import { type MetricCode, METRIC_COSINE } from '../../kernels/metric-code.js';
import type { WasmMemory } from '../../kernels/wasm-api.js';

/**
 * One thread's part of linking a batch of HNSW rows (INSERT of Malkov &
 * Yashunin 2018, applied batch by batch; see hnsw-build.ts), the same code
 * on the main thread and in the worker. Each thread owns its query buffer,
 * scratch arrays, visited tags and heaps in the shared memory, and its own
 * kernels instance. The graph grows between batches (its regions move), so
 * {@link bind} re-reads every offset before a phase.
 *
 * Per batch [start, end):
 * - phase 1 (rows taken from a shared counter): row x descends and searches
 *   the graph as it was before the batch (no batch row is linked from it
 *   yet, so nothing it reads changes), adds the batch rows y < x of level ≥ l
 *   as candidates with exact distances, runs the selection heuristic, and
 *   writes its links into its own blocks and into the batch edge buffer;
 * - phase 2 (split by target: y % threads = t): for x ascending, each forward
 *   link x → y adds y → x, pruning y's list as sequential insert does.
 * So the graph depends on the batch schedule, never on the thread count.
 */
export class BuildThread {
  private readonly dim: number;
  private readonly M: number;
  private readonly efConstruction: number;
  private readonly capacity: number;
  private readonly stride0: number;
  private readonly strideUpper: number;
  private readonly code: MetricCode;
  private readonly memory: WasmMemory;
  private f32: Float32Array;
  private i32: Int32Array;
  private u8: Uint8Array;
  private readonly edges: Int32Array;
  private readonly edgeAt: Int32Array;
  readonly ctrl: Int32Array;
  // Byte offsets, re-read from the control words by bind() before each phase.
  private vectors = 0;
  /** Bytes of each row this batch's walks warm (over the rows before the batch; see warmRows). */
  private warm = 0;
  private norms = 0;
  private links0 = 0;
  private levels = 0;
  private upperAt = 0;
  private upper = 0;
  private query = 0;
  private ids = 0;
  private out = 0;
  private candIds = 0;
  private candDists = 0;
  private selected = 0;
  private candHeap = 0;
  private resHeap = 0;
  private visited = 0;
  private readonly candidates = new MinHeap(256);
  private readonly results = new MaxHeap(256);
  private queryInv = 1;
  private readonly best = new Float64Array(1);
  /** This thread's side of the graph as the shared walk (hnsw-search-layer.ts) sees it. */
  private readonly walk: WalkGraph & WalkScratch;

  /**
   * @param kernels this thread's kernels, bound to `shared.memory`
   * @param nextTag a visited tag no node of this thread's visited region carries yet
   */
  constructor(
    shared: LinkShared,
    readonly t: number,
    private readonly k: Kernels & GraphKernels,
    private readonly nextTag: () => number,
  ) {
    this.dim = shared.dim;
    this.M = shared.M;
    this.efConstruction = shared.efConstruction;
    this.capacity = shared.capacity;
    this.stride0 = 2 * shared.M + 1;
    this.strideUpper = shared.M + 1;
    this.code = shared.metricCode as MetricCode;
    this.memory = shared.memory;
    this.f32 = new Float32Array(0);
    this.i32 = new Int32Array(0);
    this.u8 = new Uint8Array(0);
    this.edges = new Int32Array(shared.edges);
    this.edgeAt = new Int32Array(shared.edgeAt);
    this.ctrl = new Int32Array(shared.ctrl);
    this.walk = this.walkView();
  }

  private walkView(): WalkGraph & WalkScratch {
    const thread = this;
    const memory = {
      get i32(): Int32Array {
        return thread.i32;
      },
      get f32(): Float32Array {
        return thread.f32;
      },
      graphKernels: this.k,
      setAccept(): void {
        throw new Error('the graph build walks without a filter');
      },
    };
    return {
      memory,
      get ids(): number {
        return thread.ids;
      },
      get out(): number {
        return thread.out;
      },
      candidates: this.candidates,
      results: this.results,
      found: 0,
      linkArray: (level) => this.linkArray(level),
      linkIndex: (node, level) => this.linkIndex(node, level),
      wasmLevel: (level): WasmLevel =>
        level === 0 ? { links: this.links0, stride: this.stride0, offsets: 0 } : { links: this.upper, stride: this.strideUpper, offsets: this.upperAt },
      useScorer: (walk) => walk.useFloatScorer(this.code, this.query, this.queryInv, this.vectors, this.norms, this.dim, this.warm),
      gather: (ids, count, out) => this.k.gather(this.code, this.query, this.queryInv, this.vectors, this.norms, this.dim, ids, count, out),
      visitedIndex: () => this.visited >> 2,
      nextVisitTag: () => this.nextTag(),
      candidatesOffset: () => this.candHeap,
      resultsOffset: () => this.resHeap,
    };
  }

  /** Re-reads the graph's region offsets and this thread's from the control words, and the memory's views if it grew. */
  bind(): void {
    const c = this.ctrl;
    const buffer = this.memory.buffer;
    if (this.u8.buffer !== buffer || this.u8.byteLength !== buffer.byteLength) {
      this.f32 = new Float32Array(buffer);
      this.i32 = new Int32Array(buffer);
      this.u8 = new Uint8Array(buffer);
    }
    this.vectors = c[CTRL.VECTORS];
    this.norms = c[CTRL.NORMS];
    this.links0 = c[CTRL.LINKS0];
    this.levels = c[CTRL.LEVELS];
    this.upperAt = c[CTRL.UPPER_AT];
    this.upper = c[CTRL.UPPER];
    const w = CTRL.THREAD + THREAD_WORDS * this.t;
    const slots = this.capacity * 4;
    this.query = c[w + THREAD_WORD.QUERY];
    this.ids = c[w + THREAD_WORD.SCRATCH];
    this.out = this.ids + slots;
    this.candIds = this.ids + 2 * slots;
    this.candDists = this.ids + 3 * slots;
    this.selected = this.ids + 4 * slots;
    this.visited = c[w + THREAD_WORD.VISITED];
    this.candHeap = c[w + THREAD_WORD.CANDIDATES];
    this.resHeap = c[w + THREAD_WORD.RESULTS];
  }

  /** Phase 1 on rows taken from the shared counter until the batch is done. */
  runPhase1(): void {
    const c = this.ctrl;
    const start = c[CTRL.START];
    const end = c[CTRL.END];
    this.warm = warmRows(start, this.dim);
    const entryPoint = c[CTRL.EP];
    const maxLevel = c[CTRL.MAXL];
    for (;;) {
      const x = start + Atomics.add(c, CTRL.NEXT, 1);
      if (x >= end) return;
      this.phase1(x, start, entryPoint, maxLevel);
    }
  }

  /** Phase 1 for row x of the batch starting at `start`, over the pre-batch graph (entryPoint, maxLevel). */
  phase1(x: number, start: number, entryPoint: number, maxLevel: number): void {
    const level = this.levelOf(x);
    const { i32, f32 } = this;
    const M = this.M;
    const efConstruction = this.efConstruction;
    this.setQueryRow(x);
    let node = descend(this.walk, this.walk, entryPoint, queryDistance(this.walk, this.walk, entryPoint), maxLevel, level, this.best);
    let distance = this.best[0];
    const edgeAt = this.edgeAt[x - start];
    for (let l = 0; l <= level; l++) this.edges[edgeAt + l * (2 * M + 1)] = 0;
    for (let l = level; l >= 0; l--) {
      let count = 0;
      if (l <= maxLevel) {
        count = this.searchInto(node, distance, efConstruction, l);
        node = i32[this.candIds >> 2];
        distance = f32[this.candDists >> 2];
      }
      count = this.addBatchCandidates(x, start, l, count, efConstruction);
      if (count === 0) continue;
      const kept = this.select(count, M);
      const links = this.linkArray(l);
      const at = this.linkIndex(x, l);
      const e = edgeAt + l * (2 * M + 1);
      links[at] = kept;
      this.edges[e] = kept;
      const sel = this.selected >> 2;
      for (let i = 0; i < kept; i++) {
        links[at + 1 + i] = i32[sel + i];
        this.edges[e + 1 + i] = i32[sel + i];
      }
    }
  }

  /** Phase 2: back links x → y, x ascending, for every target y this thread owns (y % threads = t). */
  phase2(start: number, end: number, threads: number): void {
    const M = this.M;
    for (let x = start; x < end; x++) {
      const edgeAt = this.edgeAt[x - start];
      for (let l = 0, top = this.levelOf(x); l <= top; l++) {
        const e = edgeAt + l * (2 * M + 1);
        const kept = this.edges[e];
        for (let i = 0; i < kept; i++) {
          const y = this.edges[e + 1 + i];
          if (y % threads === this.t) this.connect(y, x, l);
        }
      }
    }
  }

  /** Every level's blocks are in the shared memory (see HnswGraph). */
  private linkArray(_level: number): Int32Array {
    return this.i32;
  }

  private linkIndex(node: number, level: number): number {
    return level === 0
      ? (this.links0 >> 2) + node * this.stride0
      : (this.upper >> 2) + this.i32[(this.upperAt >> 2) + node] + (level - 1) * this.strideUpper;
  }

  private levelOf(row: number): number {
    return this.u8[this.levels + row];
  }

  private setQueryRow(row: number): void {
    const dim = this.dim;
    const start = (this.vectors >> 2) + row * dim;
    this.f32.copyWithin(this.query >> 2, start, start + dim);
    this.queryInv = this.code === METRIC_COSINE ? this.f32[(this.norms >> 2) + row] : 1;
  }

  private gather(count: number): void {
    this.k.gather(this.code, this.query, this.queryInv, this.vectors, this.norms, this.dim, this.ids, count, this.out);
  }

  /** SEARCH-LAYER (the shared walk); leaves ascending results in candIds/candDists, returns their count. */
  private searchInto(entry: number, entryDistance: number, ef: number, level: number): number {
    searchLayer(this.walk, this.walk, entry, entryDistance, ef, level);
    const { i32, f32 } = this;
    const count = this.walk.found;
    const from = this.resHeap >> 2;
    const idsC = this.candIds >> 2;
    const distsC = this.candDists >> 2;
    for (let i = 0; i < count; i++) {
      f32[distsC + i] = f32[from + 2 * i];
      i32[idsC + i] = i32[from + 2 * i + 1];
    }
    return count;
  }

  /**
   * Adds the batch rows y in [start, x) of level ≥ `level` to the `count`
   * ascending candidates, keeping the `limit` nearest: a batch row enters a
   * full list only when nearer than its last, and goes after equal distances
   * (graph results and lower rows first). Returns the new count.
   */
  private addBatchCandidates(x: number, start: number, level: number, count: number, limit: number): number {
    const { i32, f32 } = this;
    const idsAt = this.ids >> 2;
    const outAt = this.out >> 2;
    let m = 0;
    for (let y = start; y < x; y++) if (this.levelOf(y) >= level) i32[idsAt + m++] = y;
    if (m === 0) return count;
    this.gather(m);
    const idsC = this.candIds >> 2;
    const distsC = this.candDists >> 2;
    for (let j = 0; j < m; j++) {
      const d = f32[outAt + j];
      if (count >= limit && !(d < f32[distsC + count - 1])) continue;
      let k = count < limit ? count++ : count - 1;
      while (k > 0 && f32[distsC + k - 1] > d) {
        f32[distsC + k] = f32[distsC + k - 1];
        i32[idsC + k] = i32[idsC + k - 1];
        k--;
      }
      f32[distsC + k] = d;
      i32[idsC + k] = i32[idsAt + j];
    }
    return count;
  }

  private select(count: number, maxM: number): number {
    return this.k.selectNeighbors(this.code, this.vectors, this.norms, this.dim, this.candIds, this.candDists, count, maxM, this.selected);
  }

  /** Adds `added` to `node`'s list at `level`, pruning by the heuristic when full (as hnsw-insert's connect). */
  private connect(node: number, added: number, level: number): void {
    const links = this.linkArray(level);
    const at = this.linkIndex(node, level);
    const degree = links[at];
    const cap = level === 0 ? 2 * this.M : this.M;
    if (degree < cap) {
      links[at + 1 + degree] = added;
      links[at] = degree + 1;
      return;
    }
    this.setQueryRow(node);
    const { i32, f32 } = this;
    const ids = this.ids >> 2;
    for (let j = 0; j < degree; j++) i32[ids + j] = links[at + 1 + j];
    i32[ids + degree] = added;
    const count = degree + 1;
    this.gather(count);
    sortByDistance(i32, f32, count, ids, this.out >> 2, this.candIds >> 2, this.candDists >> 2);
    const kept = this.select(count, cap);
    links[at] = kept;
    for (let j = 0; j < kept; j++) links[at + 1 + j] = i32[(this.selected >> 2) + j];
  }
}
