import { CorruptionError } from '../errors.js';
import {
  AT,
  GRAPH_HEADER_BYTES,
  GRAPH_MAGIC,
  GRAPH_VERSION,
  type GraphHeader,
  type GraphLinks,
  linksStart,
  MAX_LEVEL,
  NO_ENTRY,
  readGraphHeader,
} from './graph.js';
import { HNSW_PARAM_RANGES, inParamRange } from './hnsw-param-ranges.js';
import { mappedArray } from '../kernels/mapped-array.js';

/** Where the graph bytes came from, for CorruptionError. */
export interface GraphSource {
  /** File holding the section. */
  file: string;
  /** Byte offset of the section's first byte in that file. */
  offset: number;
}

/** What the collection says the graph must be. */
export interface GraphExpectation {
  metricCode: number;
  dimension: number;
  /** Rows of the vectors section. */
  rows: number;
  /** Checked when stated. */
  M?: number;
  efConstruction?: number;
}

/**
 * Checks 1–4 of docs/format/graph.md (header, total length, levels) and
 * returns the header. Throws CorruptionError(file, offset + position).
 */
export function checkGraphHeader(bytes: Uint8Array, expected: GraphExpectation, source: GraphSource): GraphHeader {
  const fail = (position: number, detail: string): never => {
    throw new CorruptionError(source.file, source.offset + position, `HNSW graph: ${detail}`);
  };
  if (bytes.length < GRAPH_HEADER_BYTES) fail(0, `${bytes.length} bytes, shorter than the ${GRAPH_HEADER_BYTES}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(AT.magic, true) !== GRAPH_MAGIC) fail(AT.magic, 'bad magic');
  const h = readGraphHeader(bytes);
  if (h.version !== GRAPH_VERSION) fail(AT.version, `unsupported version ${h.version}`);
  if (h.metric !== expected.metricCode) fail(AT.metric, `metric code ${h.metric}, expected ${expected.metricCode}`);
  if (bytes[AT.reserved] !== 0) fail(AT.reserved, 'reserved byte is not 0');
  if (h.dimension !== expected.dimension) fail(AT.dimension, `dimension ${h.dimension}, expected ${expected.dimension}`);
  if (h.count !== expected.rows) fail(AT.count, `${h.count} nodes for ${expected.rows} vector rows`);
  const ranges = HNSW_PARAM_RANGES;
  if (!inParamRange(h.M, ranges.M) || (expected.M !== undefined && h.M !== expected.M)) {
    fail(AT.M, `M = ${h.M}, expected ${expected.M ?? `${ranges.M.min}…${ranges.M.max}`}`);
  }
  if (h.maxDegree0 !== 2 * h.M) fail(AT.maxDegree0, `maxDegree0 = ${h.maxDegree0}, expected 2·M = ${2 * h.M}`);
  if (
    h.efConstruction < h.M ||
    !inParamRange(h.efConstruction, ranges.efConstruction) ||
    (expected.efConstruction !== undefined && h.efConstruction !== expected.efConstruction)
  ) {
    fail(AT.efConstruction, `efConstruction = ${h.efConstruction}, expected ${expected.efConstruction ?? `M…${ranges.efConstruction.max}`}`);
  }
  const total = linksStart(h.count) + h.linksBytes;
  if (bytes.length !== total) fail(Math.min(bytes.length, total), `${bytes.length} bytes, header implies ${total}`);
  if (h.count === 0) {
    if (h.entryPoint !== NO_ENTRY) fail(AT.entryPoint, 'empty graph with an entry point');
    if (h.maxLevel !== 0) fail(AT.maxLevel, 'empty graph with maxLevel ≠ 0');
    return h;
  }
  if (h.entryPoint >= h.count) fail(AT.entryPoint, `entry point ${h.entryPoint} ≥ ${h.count} nodes`);
  if (h.maxLevel > MAX_LEVEL) fail(AT.maxLevel, `maxLevel ${h.maxLevel} > ${MAX_LEVEL}`);
  for (let node = 0; node < h.count; node++) {
    if (bytes[GRAPH_HEADER_BYTES + node] > h.maxLevel) {
      fail(GRAPH_HEADER_BYTES + node, `node ${node} has level ${bytes[GRAPH_HEADER_BYTES + node]} > maxLevel ${h.maxLevel}`);
    }
  }
  if (bytes[GRAPH_HEADER_BYTES + h.entryPoint] !== h.maxLevel) {
    fail(GRAPH_HEADER_BYTES + h.entryPoint, `entry point level ${bytes[GRAPH_HEADER_BYTES + h.entryPoint]} ≠ maxLevel ${h.maxLevel}`);
  }
  for (let at = GRAPH_HEADER_BYTES + h.count; at < linksStart(h.count); at++) {
    if (bytes[at] !== 0) fail(at, 'non-zero padding');
  }
  return h;
}

/** The stored level of every node, one uint8 each (a view; valid after {@link checkGraphHeader}). */
export function storedLevels(bytes: Uint8Array, count: number): Uint8Array {
  return bytes.subarray(GRAPH_HEADER_BYTES, GRAPH_HEADER_BYTES + count);
}

/**
 * The adjacency lists of a graph section after check 5 of
 * docs/format/graph.md, in the section's own layout: per node, levels 0 … L
 * as degree-prefixed blocks [degree, ids…] in `blocks` (int32 words, a view
 * of `bytes` when 4-byte aligned, else a copy), node n's level-0 block at
 * word `blockOffsets[n]`, each higher level's block right after the one
 * below. The one parser of the links: HnswGraph copies them into its fixed
 * blocks ({@link loadGraphLinks}), a sealed quantized index walks them as
 * they are (CompactGraph). Throws CorruptionError(file, offset + position)
 * at the first bad field.
 *
 * Like the kernel memory views, the words assume a little-endian host.
 * Level-0 lists skip the level check, which no node can fail there.
 */
export function parseGraphLinks(bytes: Uint8Array, h: GraphHeader, source: GraphSource): { blocks: Int32Array; blockOffsets: Int32Array } {
  const fail = (position: number, detail: string): never => {
    throw new CorruptionError(source.file, source.offset + position, `HNSW graph: ${detail}`);
  };
  const start = linksStart(h.count);
  const words = wordsOf(bytes.subarray(start));
  const end = words.length;
  const levels = storedLevels(bytes, h.count);
  const count = h.count;
  const maxDegree0 = 2 * h.M;
  const blockOffsets = mappedArray(Int32Array, count);
  // The cursor stays a local (no closure captures it), so the hot loops keep it in a register.
  let at = 0;
  for (let node = 0; node < count; node++) {
    blockOffsets[node] = at;
    // Level 0, the bulk of the links: no level check, which no node can fail there.
    let degree = at < end ? words[at] : -1;
    if (!(degree >= 0 && degree <= maxDegree0 && at + 1 + degree <= end)) badList(fail, words, start, at, node, 0, maxDegree0);
    for (const stop = ++at + degree; at < stop; at++) {
      const neighbour = words[at];
      if (neighbour >= count || neighbour === node) badNeighbour(fail, start, at, node, 0, neighbour, count);
    }
    for (let level = 1, top = levels[node]; level <= top; level++) {
      degree = at < end ? words[at] : -1;
      if (!(degree >= 0 && degree <= h.M && at + 1 + degree <= end)) badList(fail, words, start, at, node, level, h.M);
      for (const stop = ++at + degree; at < stop; at++) {
        const neighbour = words[at];
        if (neighbour >= count || neighbour === node || levels[neighbour] < level) badNeighbour(fail, start, at, node, level, neighbour, count);
      }
    }
  }
  const trailing = bytes.length - start - 4 * at;
  if (trailing !== 0) fail(start + 4 * at, `${trailing} bytes after the last adjacency list`);
  return { blocks: new Int32Array(words.buffer, words.byteOffset, at), blockOffsets };
}

/**
 * Parses the adjacency lists ({@link parseGraphLinks}) and copies them into
 * `graph`, whose nodes already exist with the stored levels; sets its entry
 * point. Throws CorruptionError(file, offset + position) at the first bad field.
 */
export function loadGraphLinks(graph: GraphLinks, bytes: Uint8Array, h: GraphHeader, source: GraphSource): void {
  const { blocks, blockOffsets } = parseGraphLinks(bytes, h, source);
  const levels = storedLevels(bytes, h.count);
  // Neither array moves while links load: every node and upper block exists already.
  const links0 = graph.linkArray(0);
  const upper = graph.linkArray(1);
  const base0 = graph.linkIndex(0, 0);
  const stride0 = graph.stride0;
  for (let node = 0; node < h.count; node++) {
    let at = blockOffsets[node];
    let words = blocks[at] + 1;
    // A word loop, not set(subarray(…)): a view per node costs more than copying its ≤ 2M + 1 words
    // (1M nodes of M = 16: 39–55 ms against 73–84 ms, Node 20).
    for (let k = 0, to = base0 + node * stride0; k < words; k++) links0[to + k] = blocks[at + k];
    for (let level = 1, top = levels[node]; level <= top; level++) {
      at += words;
      words = blocks[at] + 1;
      upper.set(blocks.subarray(at, at + words), graph.linkIndex(node, level));
    }
  }
  graph.entryPoint = h.count === 0 ? -1 : h.entryPoint;
  graph.maxLevel = h.count === 0 ? -1 : h.maxLevel;
}

/**
 * Copies the parsed adjacency lists of one node (every level; see
 * {@link parseGraphLinks}) into `graph`, whose node exists with its stored
 * level `top`: what {@link loadGraphLinks} does for every node, for a graph
 * loaded node by node as its walks first reach them.
 */
export function copyNodeLinks(graph: GraphLinks, blocks: Int32Array, blockOffsets: Int32Array, node: number, top: number): void {
  let at = blockOffsets[node];
  let words = blocks[at] + 1;
  const links0 = graph.linkArray(0);
  for (let k = 0, to = graph.linkIndex(node, 0); k < words; k++) links0[to + k] = blocks[at + k];
  const upper = graph.linkArray(1);
  for (let level = 1; level <= top; level++) {
    at += words;
    words = blocks[at] + 1;
    upper.set(blocks.subarray(at, at + words), graph.linkIndex(node, level));
  }
}

type Fail = (position: number, detail: string) => never;

/** Reports the list header at word `at` that failed the degree or length check. */
function badList(fail: Fail, words: Uint32Array, start: number, at: number, node: number, level: number, bound: number): never {
  if (at < words.length && words[at] > bound) fail(start + 4 * at, `node ${node} level ${level} has degree ${words[at]} > ${bound}`);
  return fail(start + 4 * at, `links of node ${node} level ${level} run past the section`);
}

/** Reports the neighbour id at word `at` that failed a check. */
function badNeighbour(fail: Fail, start: number, at: number, node: number, level: number, neighbour: number, count: number): never {
  if (neighbour >= count) fail(start + 4 * at, `node ${node} links to ${neighbour} ≥ ${count} nodes`);
  if (neighbour === node) fail(start + 4 * at, `node ${node} links to itself`);
  return fail(start + 4 * at, `node ${node} links on level ${level} to ${neighbour}, which tops out lower`);
}

/** The whole uint32 words of `bytes`, viewed in place when aligned, else copied. */
function wordsOf(bytes: Uint8Array): Uint32Array {
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  const words = new Uint32Array(bytes.byteLength >> 2);
  new Uint8Array(words.buffer).set(bytes.subarray(0, words.byteLength));
  return words;
}
