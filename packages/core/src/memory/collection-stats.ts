import { join } from 'node:path';
import type { QuantizationSpec } from '../types.js';
import type { CollectionStore } from '../storage/collection-store.js';
import { layout } from '../storage/layout.js';

/** Memory and disk accounting of a collection or a database, in bytes. */
export interface Stats {
  /** Live records. */
  count: number;
  /** Bytes held in memory: the sum of `components`. */
  memoryBytes: number;
  /** Bytes of the files on disk: the sum of `diskComponents`. */
  diskBytes: number;
  /**
   * Bytes of segment files mapped into memory for quantized segments'
   * float32 vectors, not part of `memoryBytes`: pages of the OS file cache,
   * resident only while touched and dropped by the OS under pressure. Node
   * counts the whole mapping in `process.memoryUsage().external`.
   */
  mappedBytes: number;
  /**
   * Memory by holder: `vectors` (float32 vectors held in memory; none for a
   * quantized segment), `codes` (quantized codes), `codebook` (quantizers'
   * codebooks and tables, a fixed cost per segment), `graph` (index links),
   * `ids`, `idIndex` (id → row tables), `metadata`, `documents`, `tombstones`,
   * `fullText` (BM25 postings and doc lengths of segments and memtables; 0
   * without `fullText`), `sparse` (sparse-vector postings of segments and
   * memtables; 0 without a sparse-vector index), `memtable` (recent writes: vectors, graph and content together),
   * `distinct` (the value counts `Collection.distinct` keeps, estimated), `wal`
   * (log records buffered in memory before they are written, durability
   * 'none' only, at most 1 MiB; and the buffer records are encoded in,
   * reused from write to write, as large as the largest write up to 4 MiB), `merge` (background merges and compactions
   * not yet published: the rows they gathered, the index being built and
   * its copy, then the merged segment until readers switch to it; the
   * segments merged stay counted as segments until then).
   */
  components: Record<string, number>;
  /**
   * Disk by what the bytes hold: segment sections (`vectors`, `graph`, `ids`,
   * `metadata`, `documents`, `codes`, `codebook`, `fullText` (postings
   * sections), `sparse` (sparse postings sections), `header` for headers and alignment), `wal`, `manifest`.
   */
  diskComponents: Record<string, number>;
}

export interface CollectionStats extends Stats {
  name: string;
  dimension: number | null;
  metric: string;
  /** `'none'`, `'sq8'`, `'binary'` or the PQ spec (see `CreateCollectionArgs.quantization`). */
  quantization: QuantizationSpec;
  segments: number;
  /** LSN of the last write, and the last one covered by a checkpoint. */
  lastLsn: number;
  checkpointLsn: number;
}

/**
 * Accounting of one collection, summed from what is actually held: the byte
 * lengths of the typed arrays and buffers behind every segment and the
 * memtable, and the sizes of the files on disk.
 */
export function collectionStats(store: CollectionStore): CollectionStats {
  const { state, vfs, dir } = store;
  const components: Record<string, number> = {
    vectors: 0,
    codes: 0,
    codebook: 0,
    graph: 0,
    ids: 0,
    idIndex: 0,
    metadata: 0,
    documents: 0,
    tombstones: 0,
    fullText: 0,
    sparse: 0,
    memtable: 0,
    distinct: state.distinct.memoryBytes(),
    wal: store.walMemoryBytes,
    merge: 0,
  };
  for (const merge of store.merging) components.merge += merge.bytes();
  for (const segment of state.segments) {
    for (const [key, bytes] of Object.entries(segment.memoryBytes())) components[key] += bytes;
  }
  const mappedBytes = state.segments.reduce((n, s) => n + s.mappedBytes, 0);
  // The memtable being sealed is counted with the memtable until its segment replaces it.
  for (const memtable of [state.sealing, state.memtable]) {
    const m = memtable?.memoryBytes();
    if (m) {
      components.memtable += m.vectors + m.graph + m.content;
      components.fullText += m.fullText;
      components.sparse += m.sparse;
    }
  }

  const diskComponents: Record<string, number> = { vectors: 0, graph: 0, ids: 0, metadata: 0, documents: 0, header: 0, wal: 0, manifest: 0 };
  for (const s of state.segments) {
    for (const [section, bytes] of Object.entries(s.sectionBytes)) diskComponents[section] = (diskComponents[section] ?? 0) + bytes;
  }
  const walDir = layout.wal(dir);
  for (const name of vfs.list(walDir)) diskComponents.wal += vfs.sizeOf(join(walDir, name)) ?? 0;
  for (const name of vfs.list(dir)) if (name.startsWith('MANIFEST-')) diskComponents.manifest += vfs.sizeOf(join(dir, name)) ?? 0;

  return {
    name: store.name,
    dimension: state.dimension,
    metric: state.metric,
    quantization: store.manifest.quantization ?? 'none',
    segments: state.segments.length,
    lastLsn: store.lastLsn,
    checkpointLsn: store.manifest.checkpointLsn,
    count: state.count,
    memoryBytes: sum(components),
    diskBytes: sum(diskComponents),
    mappedBytes,
    components,
    diskComponents,
  };
}

/** Adds several collections' accounting into a database total. */
export function totalStats(parts: Stats[]): Stats {
  const total: Stats = { count: 0, memoryBytes: 0, diskBytes: 0, mappedBytes: 0, components: {}, diskComponents: {} };
  for (const p of parts) {
    total.count += p.count;
    total.memoryBytes += p.memoryBytes;
    total.diskBytes += p.diskBytes;
    total.mappedBytes += p.mappedBytes;
    for (const [k, v] of Object.entries(p.components)) total.components[k] = (total.components[k] ?? 0) + v;
    for (const [k, v] of Object.entries(p.diskComponents)) total.diskComponents[k] = (total.diskComponents[k] ?? 0) + v;
  }
  return total;
}

function sum(parts: Record<string, number>): number {
  return Object.values(parts).reduce((a, b) => a + b, 0);
}
