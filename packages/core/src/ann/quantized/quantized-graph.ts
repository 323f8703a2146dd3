import { CorruptionError } from '../../errors.js';
import { GRAPH_HEADER_BYTES, linksStart } from '../../format/graph.js';
import { checkGraphHeader, type GraphExpectation, type GraphSource } from '../../format/graph-load.js';

/**
 * A sealed HNSW graph (Malkov & Yashunin 2018) held read-only in compact
 * typed arrays, parsed from its section (docs/format/graph.md, version 1).
 *
 * Adjacency is stored as compressed rows, so a node costs its actual degree
 * rather than the 2·M slots a growable graph reserves:
 * - level 0: node i's neighbours are `links0[offsets0[i] … offsets0[i + 1])`;
 * - levels ≥ 1: node i of level L ≥ 1 owns blocks `upperFirst[i] + l − 1`
 *   for l = 1…L (−1 when L = 0); block b's neighbours are
 *   `upperLinks[upperOffsets[b] … upperOffsets[b + 1])`.
 * All ids are int32 rows of the segment. Bytes per node ≈ 4·(degree₀ + 1)
 * + 5 (level, upper index) + the ≈ 1/M of nodes with upper levels.
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
    readonly levels: Uint8Array,
    readonly offsets0: Int32Array,
    readonly links0: Int32Array,
    readonly upperFirst: Int32Array,
    readonly upperOffsets: Int32Array,
    readonly upperLinks: Int32Array,
  ) {}

  /**
   * Parses `bytes` after every check of docs/format/graph.md (1–4 through
   * `checkGraphHeader`, 5 here); `expected` states the collection's metric
   * code, dimension, row count and, optionally, M and efConstruction. The
   * arrays are copies: `bytes` may be released afterwards. Throws
   * CorruptionError(source.file, source.offset + position of the bad field).
   */
  static parse(bytes: Uint8Array, expected: GraphExpectation, source: GraphSource): CompactGraph {
    const h = checkGraphHeader(bytes, expected, source);
    const fail = (position: number, detail: string): never => {
      throw new CorruptionError(source.file, source.offset + position, `HNSW graph: ${detail}`);
    };
    const count = h.count;
    const start = linksStart(count);
    const words = wordsOf(bytes.subarray(start));
    const levels = bytes.slice(GRAPH_HEADER_BYTES, GRAPH_HEADER_BYTES + count);
    // Pass 1: walk the lists by their degrees to size the arrays exactly.
    let links0Total = 0;
    let upperTotal = 0;
    let blocks = 0;
    let at = 0;
    for (let node = 0; node < count; node++) {
      for (let level = 0; level <= levels[node]; level++) {
        if (at >= words.length) fail(start + 4 * at, `links of node ${node} level ${level} run past the section`);
        const degree = words[at];
        const bound = level === 0 ? 2 * h.M : h.M;
        if (degree > bound) fail(start + 4 * at, `node ${node} level ${level} has degree ${degree} > ${bound}`);
        if (at + 1 + degree > words.length) fail(start + 4 * at, `links of node ${node} level ${level} run past the section`);
        if (level === 0) links0Total += degree;
        else upperTotal += degree;
        at += 1 + degree;
      }
      blocks += levels[node];
    }
    if (start + 4 * at !== bytes.length) fail(start + 4 * at, `${bytes.length - start - 4 * at} bytes after the last adjacency list`);
    // Pass 2: copy, checking every neighbour id.
    const offsets0 = new Int32Array(count + 1);
    const links0 = new Int32Array(links0Total);
    const upperFirst = new Int32Array(count).fill(-1);
    const upperOffsets = new Int32Array(blocks + 1);
    const upperLinks = new Int32Array(upperTotal);
    let l0 = 0;
    let up = 0;
    let block = 0;
    at = 0;
    for (let node = 0; node < count; node++) {
      if (levels[node] > 0) upperFirst[node] = block;
      for (let level = 0; level <= levels[node]; level++) {
        const degree = words[at++];
        const target = level === 0 ? links0 : upperLinks;
        let put = level === 0 ? l0 : up;
        for (let j = 0; j < degree; j++, at++) {
          const neighbour = words[at];
          if (neighbour >= count) fail(start + 4 * at, `node ${node} links to ${neighbour} ≥ ${count} nodes`);
          if (neighbour === node) fail(start + 4 * at, `node ${node} links to itself`);
          if (levels[neighbour] < level) fail(start + 4 * at, `node ${node} links on level ${level} to ${neighbour}, which tops out lower`);
          target[put++] = neighbour;
        }
        if (level === 0) {
          l0 = put;
          offsets0[node + 1] = l0;
        } else {
          up = put;
          upperOffsets[++block] = up;
        }
      }
    }
    const empty = count === 0;
    return new CompactGraph(
      count,
      h.M,
      h.efConstruction,
      h.seed,
      empty ? -1 : h.entryPoint,
      empty ? -1 : h.maxLevel,
      levels,
      offsets0,
      links0,
      upperFirst,
      upperOffsets,
      upperLinks,
    );
  }

  /** A graph of no nodes, what a disposed index holds. */
  static empty(): CompactGraph {
    const none = new Int32Array(0);
    return new CompactGraph(0, 2, 2, 0, -1, -1, new Uint8Array(0), new Int32Array(1), none, none, new Int32Array(1), none);
  }

  /** Most neighbours a list holds on any level: 2·M (level 0). */
  get maxDegree(): number {
    return 2 * this.M;
  }

  /** Bytes of the arrays held. */
  get byteLength(): number {
    return (
      this.levels.byteLength +
      this.offsets0.byteLength +
      this.links0.byteLength +
      this.upperFirst.byteLength +
      this.upperOffsets.byteLength +
      this.upperLinks.byteLength
    );
  }
}

/** The whole uint32 words of `bytes`, viewed in place when aligned, else copied (little-endian host). */
function wordsOf(bytes: Uint8Array): Uint32Array {
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  const words = new Uint32Array(bytes.byteLength >> 2);
  new Uint8Array(words.buffer).set(bytes.subarray(0, words.byteLength));
  return words;
}
