/**
 * Byte layout of the HNSW graph section, version 1; the specification is
 * docs/format/graph.md and this file follows it field by field.
 */
import { mappedArray } from '../kernels/mapped-array.js';

/** "OMHG" read as a little-endian uint32. */
export const GRAPH_MAGIC = 0x47484d4f;
export const GRAPH_VERSION = 1;
export const GRAPH_HEADER_BYTES = 48;
/** Highest level a node may have; level draws past it are clamped (p < 16⁻³¹ at M = 16). */
export const MAX_LEVEL = 31;
/** entryPoint of an empty graph. */
export const NO_ENTRY = 0xffffffff;

/** Field offsets inside the header. */
export const AT = {
  magic: 0,
  version: 4,
  metric: 6,
  reserved: 7,
  dimension: 8,
  count: 12,
  M: 16,
  maxDegree0: 20,
  efConstruction: 24,
  seed: 28,
  rngState: 32,
  entryPoint: 36,
  maxLevel: 40,
  linksBytes: 44,
} as const;

/** The header fields (all uint32 except `version` uint16 and `metric` uint8). */
export interface GraphHeader {
  version: number;
  metric: number;
  dimension: number;
  count: number;
  M: number;
  maxDegree0: number;
  efConstruction: number;
  seed: number;
  rngState: number;
  entryPoint: number;
  maxLevel: number;
  linksBytes: number;
}

/** ⌈n / 4⌉ · 4. */
export function pad4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** Byte offset of the links area. */
export function linksStart(count: number): number {
  return GRAPH_HEADER_BYTES + pad4(count);
}

/**
 * The view of an HNSW graph (Malkov & Yashunin 2018) that the encoder reads
 * and the loader fills: a level per node and, per node and level, a block
 * `[degree, neighbour₀, …]` in `linkArray(level)` at `linkIndex(node, level)`
 * (level-0 blocks contiguous, `stride0` int32 apart). The vector index's
 * in-memory graph implements it; the format knows nothing else of it.
 */
export interface GraphLinks {
  /** Nodes held. */
  readonly size: number;
  readonly M: number;
  /** int32 per level-0 block: degree + 2·M slots. */
  readonly stride0: number;
  /** Metric code (kernels/metric-code.ts) and dimension of the vectors. */
  readonly rows: { readonly code: number; readonly dimension: number };
  /** −1 when empty. */
  entryPoint: number;
  /** −1 when empty. */
  maxLevel: number;
  level(node: number): number;
  maxDegree(level: number): number;
  linkArray(level: number): Int32Array;
  linkIndex(node: number, level: number): number;
}

/** Serializes `graph` (docs/format/graph.md, version 1). */
export function encodeGraph(graph: GraphLinks, efConstruction: number, seed: number, rngState: number): Uint8Array {
  const count = graph.size;
  let linksBytes = 0;
  for (let node = 0; node < count; node++) {
    for (let l = 0; l <= graph.level(node); l++) linksBytes += 4 * (1 + graph.linkArray(l)[graph.linkIndex(node, l)]);
  }
  const bytes = mappedArray(Uint8Array, linksStart(count) + linksBytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(AT.magic, GRAPH_MAGIC, true);
  view.setUint16(AT.version, GRAPH_VERSION, true);
  view.setUint8(AT.metric, graph.rows.code);
  view.setUint8(AT.reserved, 0);
  view.setUint32(AT.dimension, graph.rows.dimension, true);
  view.setUint32(AT.count, count, true);
  view.setUint32(AT.M, graph.M, true);
  view.setUint32(AT.maxDegree0, graph.maxDegree(0), true);
  view.setUint32(AT.efConstruction, efConstruction, true);
  view.setUint32(AT.seed, seed >>> 0, true);
  view.setUint32(AT.rngState, rngState >>> 0, true);
  view.setUint32(AT.entryPoint, count === 0 ? NO_ENTRY : graph.entryPoint, true);
  view.setUint32(AT.maxLevel, count === 0 ? 0 : graph.maxLevel, true);
  view.setUint32(AT.linksBytes, linksBytes, true);
  for (let node = 0; node < count; node++) bytes[GRAPH_HEADER_BYTES + node] = graph.level(node);
  let at = linksStart(count);
  for (let node = 0; node < count; node++) {
    for (let l = 0; l <= graph.level(node); l++) {
      const links = graph.linkArray(l);
      const block = graph.linkIndex(node, l);
      const degree = links[block];
      for (let j = 0; j <= degree; j++, at += 4) view.setUint32(at, links[block + j], true);
    }
  }
  return bytes;
}

/** Reads the header fields; the caller has checked the length. */
export function readGraphHeader(bytes: Uint8Array): GraphHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    version: view.getUint16(AT.version, true),
    metric: view.getUint8(AT.metric),
    dimension: view.getUint32(AT.dimension, true),
    count: view.getUint32(AT.count, true),
    M: view.getUint32(AT.M, true),
    maxDegree0: view.getUint32(AT.maxDegree0, true),
    efConstruction: view.getUint32(AT.efConstruction, true),
    seed: view.getUint32(AT.seed, true),
    rngState: view.getUint32(AT.rngState, true),
    entryPoint: view.getUint32(AT.entryPoint, true),
    maxLevel: view.getUint32(AT.maxLevel, true),
    linksBytes: view.getUint32(AT.linksBytes, true),
  };
}
