import { CorruptionError } from '../errors.js';
import type { Metric, QuantizationSpec } from '../types.js';
import { crc32 } from './checksum.js';
import { checkCrc, checkMagic, checkVersion, viewOf, writeMagic } from './header.js';

/** Layout in docs/format/manifest.md. */
export const MANIFEST_MAGIC = 'OMENMANI';
export const MANIFEST_FORMAT_VERSION = 1;

/** Byte offsets of the header's fields (manifest.md); sections follow at `sections`. */
export const MANIFEST_AT = { magic: 0, version: 8, sectionCount: 12, sections: 16 } as const;
const SECTION_COUNT = 2;

export interface HnswConfig {
  M: number;
  efConstruction: number;
  efSearch: number;
}

/**
 * The embedding function a collection was created with, as Chroma persists it:
 * `known` (name + JSON config, rebuildable through the registry) or `legacy`
 * (a function without name or config: it must be passed again on reopen).
 */
export type EmbeddingFunctionRecord = { type: 'known'; name: string; config: Record<string, unknown> } | { type: 'legacy' };

/** A collection's full-text index: its analyzer and BM25 parameters, fixed at creation. */
export interface FullTextRecord {
  analyzer: 'english';
  k1: number;
  b: number;
}

/**
 * A collection's sparse-vector index (Chroma's `SparseVectorIndexConfig`): the
 * metadata key holding each record's sparse vector, whether documents are
 * embedded into it (`source: 'document'`), and the sparse embedding function
 * by name and config as Chroma records it (it must be passed again on reopen).
 */
export interface SparseRecord {
  key: string;
  source: 'document' | null;
  bm25: boolean;
  embeddingFunction?: { name: string; config: Record<string, unknown> };
}

export interface ManifestState {
  id: string;
  name: string;
  dimension: number | null;
  metric: Metric;
  metadata: Record<string, unknown> | null;
  hnsw: HnswConfig;
  /** How sealed segments encode their vectors; absent (manifests written before it existed) means 'none'. */
  quantization?: QuantizationSpec;
  /** Candidates rescored with float32 = k × oversampling; absent means the quantizer's measured default. */
  rescore?: { oversampling: number };
  /** Absent (manifests written before it existed, or created with `embeddingFunction: null`) means none recorded. */
  embeddingFunction?: EmbeddingFunctionRecord;
  /** BM25 full-text index over documents (docs/format/postings.md); absent means none. */
  fullText?: FullTextRecord;
  /** Sparse-vector index over a metadata key (docs/format/sparse-postings.md); absent means none. */
  sparse?: SparseRecord;
  checkpointLsn: number;
  nextSegmentId: number;
  segments: { id: number; rows: number }[];
}

export interface Manifest {
  state: ManifestState;
  /** Deleted row offsets per segment, in the order of `state.segments`. */
  tombstones: Uint32Array[];
}

export function encodeManifest(manifest: Manifest): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(manifest.state));
  let tombBytes = 0;
  for (const t of manifest.tombstones) tombBytes += 4 + t.byteLength;
  const tomb = new Uint8Array(tombBytes);
  const tview = viewOf(tomb);
  let at = 0;
  for (const t of manifest.tombstones) {
    tview.setUint32(at, t.length, true);
    for (let i = 0; i < t.length; i++) tview.setUint32(at + 4 + i * 4, t[i], true);
    at += 4 + t.byteLength;
  }
  const out = new Uint8Array(16 + 8 + json.byteLength + 8 + tomb.byteLength);
  const view = viewOf(out);
  writeMagic(view, 0, MANIFEST_MAGIC);
  view.setUint32(MANIFEST_AT.version, MANIFEST_FORMAT_VERSION, true);
  view.setUint32(MANIFEST_AT.sectionCount, SECTION_COUNT, true);
  let offset = MANIFEST_AT.sections;
  for (const body of [json, tomb]) {
    view.setUint32(offset, body.byteLength, true);
    view.setUint32(offset + 4, crc32(body), true);
    out.set(body, offset + 8);
    offset += 8 + body.byteLength;
  }
  return out;
}

/** Parses a manifest; throws CorruptionError naming `file` and the offset. */
export function decodeManifest(bytes: Uint8Array, file: string): Manifest {
  checkMagic(bytes, MANIFEST_MAGIC, file);
  if (bytes.byteLength < MANIFEST_AT.sections) throw new CorruptionError(file, MANIFEST_AT.version, 'manifest header is truncated');
  const view = viewOf(bytes);
  checkVersion(view.getUint32(MANIFEST_AT.version, true), MANIFEST_FORMAT_VERSION, file, MANIFEST_AT.version);
  if (view.getUint32(MANIFEST_AT.sectionCount, true) !== SECTION_COUNT) throw new CorruptionError(file, MANIFEST_AT.sectionCount, `expected ${SECTION_COUNT} sections`);
  const bodies: { offset: number; body: Uint8Array }[] = [];
  let offset = MANIFEST_AT.sections;
  for (let i = 0; i < SECTION_COUNT; i++) {
    if (offset + 8 > bytes.byteLength) throw new CorruptionError(file, offset, 'section header runs past the end');
    const length = view.getUint32(offset, true);
    if (offset + 8 + length > bytes.byteLength) throw new CorruptionError(file, offset, 'section runs past the end');
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    checkCrc(body, view.getUint32(offset + 4, true), file, offset, `manifest section ${i + 1}`);
    bodies.push({ offset: offset + 8, body });
    offset += 8 + length;
  }
  if (offset !== bytes.byteLength) throw new CorruptionError(file, offset, 'trailing bytes after the last section');
  let state: ManifestState;
  try {
    state = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bodies[0].body)) as ManifestState;
  } catch (err) {
    throw new CorruptionError(file, bodies[0].offset, `state is not valid JSON (${(err as Error).message})`);
  }
  if (!state || !Array.isArray(state.segments) || typeof state.checkpointLsn !== 'number') {
    throw new CorruptionError(file, bodies[0].offset, 'state lacks segments or checkpointLsn');
  }
  if (!isEmbeddingFunctionRecord(state.embeddingFunction)) {
    throw new CorruptionError(file, bodies[0].offset, 'state has a malformed embeddingFunction');
  }
  if (!isFullTextRecord(state.fullText)) throw new CorruptionError(file, bodies[0].offset, 'state has a malformed fullText');
  if (!isSparseRecord(state.sparse)) throw new CorruptionError(file, bodies[0].offset, 'state has a malformed sparse');
  const tombstones: Uint32Array[] = [];
  const tomb = bodies[1].body;
  const tview = viewOf(tomb);
  let at = 0;
  for (const seg of state.segments) {
    if (at + 4 > tomb.byteLength) throw new CorruptionError(file, bodies[1].offset + at, 'tombstones truncated');
    const n = tview.getUint32(at, true);
    if (at + 4 + n * 4 > tomb.byteLength) throw new CorruptionError(file, bodies[1].offset + at, 'tombstones truncated');
    const rows = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      rows[i] = tview.getUint32(at + 4 + i * 4, true);
      if (rows[i] >= seg.rows) throw new CorruptionError(file, bodies[1].offset + at + 4 + i * 4, `tombstone row ${rows[i]} out of range`);
      if (i > 0 && rows[i] <= rows[i - 1]) throw new CorruptionError(file, bodies[1].offset + at + 4 + i * 4, `tombstone rows not ascending (${rows[i - 1]}, ${rows[i]})`);
    }
    tombstones.push(rows);
    at += 4 + n * 4;
  }
  if (at !== tomb.byteLength) throw new CorruptionError(file, bodies[1].offset + at, 'trailing tombstone bytes');
  return { state, tombstones };
}

function isEmbeddingFunctionRecord(r: unknown): boolean {
  if (r === undefined) return true;
  if (typeof r !== 'object' || r === null) return false;
  const { type, name, config } = r as Record<string, unknown>;
  if (type === 'legacy') return true;
  return type === 'known' && typeof name === 'string' && typeof config === 'object' && config !== null && !Array.isArray(config);
}

function isFullTextRecord(r: unknown): boolean {
  if (r === undefined) return true;
  if (typeof r !== 'object' || r === null) return false;
  const { analyzer, k1, b } = r as Record<string, unknown>;
  return analyzer === 'english' && typeof k1 === 'number' && k1 >= 0 && typeof b === 'number' && b >= 0 && b <= 1;
}

function isSparseRecord(r: unknown): boolean {
  if (r === undefined) return true;
  if (typeof r !== 'object' || r === null) return false;
  const { key, source, bm25, embeddingFunction } = r as Record<string, unknown>;
  const ef = embeddingFunction as Record<string, unknown> | undefined;
  const efOk = ef === undefined || (typeof ef === 'object' && ef !== null && typeof ef.name === 'string' && typeof ef.config === 'object' && ef.config !== null);
  return typeof key === 'string' && key.length > 0 && (source === 'document' || source === null) && typeof bm25 === 'boolean' && efOk;
}

export function manifestFileName(n: number): string {
  return `MANIFEST-${String(n).padStart(20, '0')}`;
}

export function parseManifestFileName(name: string): number | undefined {
  const match = /^MANIFEST-(\d{20})$/.exec(name);
  return match ? Number(match[1]) : undefined;
}
