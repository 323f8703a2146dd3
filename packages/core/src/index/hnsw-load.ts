import { CorruptionError } from '../errors.js';
import {
  AT,
  GRAPH_HEADER_BYTES,
  GRAPH_MAGIC,
  GRAPH_VERSION,
  type GraphHeader,
  linksStart,
  NO_ENTRY,
  readGraphHeader,
} from './hnsw-format.js';
import { MAX_LEVEL, type HnswGraph } from './hnsw-graph.js';

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
  if (h.M < 2 || h.M > 100 || (expected.M !== undefined && h.M !== expected.M)) {
    fail(AT.M, `M = ${h.M}, expected ${expected.M ?? '2…100'}`);
  }
  if (h.maxDegree0 !== 2 * h.M) fail(AT.maxDegree0, `maxDegree0 = ${h.maxDegree0}, expected 2·M = ${2 * h.M}`);
  if (
    h.efConstruction < h.M ||
    h.efConstruction > 4096 ||
    (expected.efConstruction !== undefined && h.efConstruction !== expected.efConstruction)
  ) {
    fail(AT.efConstruction, `efConstruction = ${h.efConstruction}, expected ${expected.efConstruction ?? 'M…4096'}`);
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

/** Level of `node` as stored in the section (valid after {@link checkGraphHeader}). */
export function storedLevel(bytes: Uint8Array, node: number): number {
  return bytes[GRAPH_HEADER_BYTES + node];
}

/**
 * Check 5 of docs/format/graph.md while copying every adjacency list into
 * `graph`, whose nodes already exist with the stored levels. Throws
 * CorruptionError(file, offset + position) at the first bad field.
 */
export function loadGraphLinks(graph: HnswGraph, bytes: Uint8Array, h: GraphHeader, source: GraphSource): void {
  const fail = (position: number, detail: string): never => {
    throw new CorruptionError(source.file, source.offset + position, `HNSW graph: ${detail}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length;
  let at = linksStart(h.count);
  for (let node = 0; node < h.count; node++) {
    const top = storedLevel(bytes, node);
    for (let level = 0; level <= top; level++) {
      if (at + 4 > end) fail(at, `links of node ${node} level ${level} run past the section`);
      const degree = view.getUint32(at, true);
      if (degree > graph.maxDegree(level)) fail(at, `node ${node} level ${level} has degree ${degree} > ${graph.maxDegree(level)}`);
      if (at + 4 + 4 * degree > end) fail(at, `links of node ${node} level ${level} run past the section`);
      const links = graph.linkArray(level);
      const block = graph.linkIndex(node, level);
      links[block] = degree;
      at += 4;
      for (let j = 0; j < degree; j++, at += 4) {
        const neighbour = view.getUint32(at, true);
        if (neighbour >= h.count) fail(at, `node ${node} links to ${neighbour} ≥ ${h.count} nodes`);
        if (neighbour === node) fail(at, `node ${node} links to itself`);
        if (storedLevel(bytes, neighbour) < level) fail(at, `node ${node} links on level ${level} to ${neighbour}, which tops out lower`);
        links[block + 1 + j] = neighbour;
      }
    }
  }
  if (at !== end) fail(at, `${end - at} bytes after the last adjacency list`);
  graph.entryPoint = h.count === 0 ? -1 : h.entryPoint;
  graph.maxLevel = h.count === 0 ? -1 : h.maxLevel;
}
