import type { GraphKernels } from './kernels/kernels.js';
import type { QuantizedArena } from './quantized-arena.js';

/**
 * The HNSW walk (Malkov & Yashunin 2018, Alg. 2 and 5) over a sealed graph
 * held in a {@link QuantizedArena}, with distances estimated from the codes:
 * greedy descent and level-0 SEARCH-LAYER both run in WebAssembly
 * (assembly/walk.ts), with the SIMD code kernels inlined, so a search makes
 * no JS call except the optional filter. Every method expects
 * `arena.setQuery` first. Not safe for concurrent use.
 */
export class CodeWalk {
  /** Rows the last {@link searchLevel0} left as results. */
  found = 0;
  private tag = 0;

  constructor(
    private readonly arena: QuantizedArena,
    private readonly wasm: GraphKernels,
    /** Rows of the graph. */
    readonly count: number,
    /** Node every search starts from and its level; −1 when empty. */
    private readonly entryPoint: number,
    private readonly maxLevel: number,
  ) {}

  /**
   * Greedy descent from the entry point through levels maxLevel … 1; returns
   * the level-0 entry node, its estimated distance in `best[0]`. The graph
   * must not be empty.
   */
  descend(best: Float64Array): number {
    const { arena, wasm } = this;
    arena.useCodeScorer(wasm);
    const node = wasm.descend(arena.blocksAt, arena.offsetsAt, this.maxLevel, this.entryPoint);
    best[0] = wasm.nearestDistance();
    return node;
  }

  /**
   * SEARCH-LAYER on level 0 from `entry`, keeping the `ef` nearest by the
   * codes. With `accept`, only accepted nodes become results, but rejected
   * ones are still expanded (as hnswlib's filtered search). Returns the
   * nodes visited, or −1 once past `maxVisits` (the caller then scans).
   */
  searchLevel0(entry: number, entryDistance: number, ef: number, accept?: (row: number) => boolean, maxVisits = Infinity): number {
    const { arena, wasm } = this;
    const memory = arena.memory;
    arena.useCodeScorer(wasm);
    if (accept !== undefined) memory.setAccept(accept);
    let visits: number;
    try {
      visits = wasm.searchLayer(
        arena.blocksAt,
        0,
        arena.offsetsAt,
        0,
        arena.visitedAt,
        this.nextTag(),
        entry,
        entryDistance,
        ef,
        accept === undefined ? 0 : 1,
        Math.min(maxVisits, 0x7fffffff),
        arena.candidatesAt,
        arena.resultsAt,
      );
    } finally {
      // Drop the caller's filter so the memory does not keep it alive.
      if (accept !== undefined) memory.setAccept(acceptAll);
    }
    this.found = visits < 0 ? 0 : wasm.resultCount();
    return visits;
  }

  /** The `count` best results of the last {@link searchLevel0} (all when fewer), ascending by row. */
  takeBest(count: number): Int32Array {
    const n = Math.min(count, this.found);
    const i32 = this.arena.memory.i32;
    const at = this.arena.resultsAt >> 2;
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = i32[at + 2 * i + 1];
    this.found = 0;
    return rows.sort();
  }

  /** A tag no row carries yet; tags wrap after 2³¹ − 1 searches, when they are cleared once. */
  private nextTag(): number {
    if (this.tag === 0x7fffffff) {
      const at = this.arena.visitedAt;
      this.arena.memory.u8.fill(0, at, at + 4 * this.count);
      this.tag = 0;
    }
    return ++this.tag;
  }
}

function acceptAll(): boolean {
  return true;
}
