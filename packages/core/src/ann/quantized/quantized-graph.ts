import { checkGraphHeader, type GraphExpectation, type GraphSource, parseGraphLinks } from '../../format/graph-load.js';
import type { KernelMemory } from '../../kernels/kernel-memory.js';
import type { SeedGraph } from '../hnsw/hnsw-seed.js';

/**
 * A sealed HNSW graph (Malkov & Yashunin 2018) parsed from its section
 * (docs/format/graph.md, version 1), in the view the walk reads
 * (hnsw-search-layer.ts, assembly/walk.ts): the adjacency lists exactly as
 * the section stores them, per node its levels 0 … L as degree-prefixed
 * int32 blocks [degree, ids…], and each node's level-0 block offset; its
 * level-l block follows after skipping l blocks. A node costs its actual
 * degree plus one word per level and one offset, rather than the 2·M slots
 * a growable graph reserves. All ids are int32 rows of the segment.
 */
export class CompactGraph {
  private constructor(
    readonly count: number,
    readonly M: number,
    readonly efConstruction: number,
    /** Level generator seed the graph was built with. */
    readonly seed: number,
    /** Node every search starts from; −1 when empty. */
    readonly entryPoint: number,
    /** Level of the entry point; −1 when empty. */
    readonly maxLevel: number,
    /** The blocks, in section order. */
    readonly blocks: Int32Array,
    /** Word index in {@link blocks} of each node's level-0 block. */
    readonly blockOffsets: Int32Array,
  ) {}

  /**
   * Parses `bytes` after every check of docs/format/graph.md (1–4 through
   * `checkGraphHeader`, 5 through `parseGraphLinks`); `expected` states the collection's metric
   * code, dimension, row count and, optionally, M and efConstruction. The
   * arrays are copies: `bytes` may be released afterwards. Throws
   * CorruptionError(source.file, source.offset + position of the bad field).
   */
  static parse(bytes: Uint8Array, expected: GraphExpectation, source: GraphSource): CompactGraph {
    const h = checkGraphHeader(bytes, expected, source);
    const { blocks, blockOffsets } = parseGraphLinks(bytes, h, source);
    const empty = h.count === 0;
    return new CompactGraph(h.count, h.M, h.efConstruction, h.seed, empty ? -1 : h.entryPoint, empty ? -1 : h.maxLevel, blocks.slice(), blockOffsets);
  }

  /** A graph of no nodes, what a disposed index holds. */
  static empty(): CompactGraph {
    return new CompactGraph(0, 2, 2, 0, -1, -1, new Int32Array(0), new Int32Array(0));
  }

  /** The same graph's header fields without its arrays (once they are copied elsewhere). */
  header(): CompactGraph {
    return new CompactGraph(this.count, this.M, this.efConstruction, this.seed, this.entryPoint, this.maxLevel, new Int32Array(0), new Int32Array(0));
  }

  /** Most neighbours a list holds on any level: 2·M (level 0). */
  get maxDegree(): number {
    return 2 * this.M;
  }

  /** Bytes of the arrays held. */
  get byteLength(): number {
    return this.blocks.byteLength + this.blockOffsets.byteLength;
  }
}

/**
 * The compact graph a quantized arena holds (level-0 block offsets at word
 * `offsetsAt / 4`, counted from word `blocksAt / 4`; blocks up to byte
 * `blocksEnd`) as the seed of a merge (hnsw-seed.ts). Node n's levels are
 * its blocks before node n + 1's, as the section stores them. `header`
 * gives the count, M and entry point; `rows` the dimension and metric
 * code of the float32 rows it was linked on.
 */
export function compactSeedGraph(
  memory: KernelMemory,
  at: { offsetsAt: number; blocksAt: number; blocksEnd: number },
  header: CompactGraph,
  rows: { dimension: number; code: number },
): SeedGraph {
  const offsets = at.offsetsAt >> 2;
  const blocks = at.blocksAt >> 2;
  const end = at.blocksEnd >> 2;
  return {
    size: header.count,
    M: header.M,
    entryPoint: header.entryPoint,
    maxLevel: header.maxLevel,
    rows,
    linkArray: () => memory.i32,
    linkIndex(node, level) {
      const i32 = memory.i32;
      let word = blocks + i32[offsets + node];
      for (let l = 0; l < level; l++) word += i32[word] + 1;
      return word;
    },
    level(node) {
      const i32 = memory.i32;
      const stop = node + 1 < header.count ? blocks + i32[offsets + node + 1] : end;
      let level = -1;
      for (let word = blocks + i32[offsets + node]; word < stop; word += i32[word] + 1) level++;
      return level;
    },
  };
}
