import type { Segment } from './segment.js';
import type { VectorIndex } from './vector-index.js';

/**
 * V8's sizes (64-bit, no pointer compression, Node's default) of the
 * JavaScript values a merge gathers per row, measured on Node 20 as heap
 * growth over 100,000 of each held in an array grown by push: a one-byte
 * string's header (its characters round up to 8 bytes: 30.5 bytes for 10),
 * a small typed array's heap objects (the view, its ArrayBuffer and the
 * store, which V8 keeps on its heap up to 64 bytes: 223 bytes for a 20-byte
 * slice), a slot of an array grown by push (9.6 bytes with its spare room),
 * and an `{ part, row }` object with its slot (46 bytes). The merged rows'
 * vectors and indexes are counted from their byte lengths instead.
 */
const STRING_HEADER_BYTES = 16;
const TYPED_ARRAY_OBJECT_BYTES = 200;
const ARRAY_SLOT_BYTES = 10;
const ORIGIN_ENTRY_BYTES = 48;

/** Bytes of a one-byte string of `length` characters. */
function stringBytes(length: number): number {
  return STRING_HEADER_BYTES + Math.ceil(length / 8) * 8;
}

/**
 * The memory a merge or compaction holds before its segment is published,
 * for stats() (memory/collection-stats.ts): the rows gathered from the old
 * segments (float32 vectors, ids, metadata, documents, the origin table),
 * every index the build allocates (read live from their `memoryBytes()`:
 * the one being linked, then its exact-size copy), the serialized sections
 * waiting to be written, then the merged segment until readers switch to it.
 * The old segments stay counted as segments until then.
 */
export class MergeMemory {
  private gathered = 0;
  private readonly indexes: VectorIndex[] = [];
  private sections = 0;
  private merged: Segment | null = null;

  /** `rows` rows of `dimension` float32 values allocated for gathering, with their origin entries. */
  allocate(rows: number, dimension: number): void {
    this.gathered += rows * (dimension * 4 + ORIGIN_ENTRY_BYTES);
  }

  /** One gathered row's id, metadata bytes and document. */
  gather(id: string, metadata: Uint8Array | null, document: string | null): void {
    let bytes = 3 * ARRAY_SLOT_BYTES + stringBytes(id.length);
    if (metadata !== null) bytes += TYPED_ARRAY_OBJECT_BYTES + metadata.byteLength;
    if (document !== null) bytes += stringBytes(document.length);
    this.gathered += bytes;
  }

  /** An index the build allocated (see `BuildOptions.holding`). */
  hold(index: VectorIndex): void {
    this.indexes.push(index);
  }

  /** Serialized sections (graph, codes, postings) held until the segment is written. */
  holdSections(bytes: number): void {
    this.sections += bytes;
  }

  /**
   * The merged segment is written and loaded: the gathered rows and the
   * serialized sections are garbage from here (but the origin table, kept
   * to publish), and the segment is counted until it is published.
   */
  written(merged: Segment | null, rows: number): void {
    this.gathered = rows * ORIGIN_ENTRY_BYTES;
    this.sections = 0;
    this.merged = merged;
  }

  /** Bytes held now. */
  bytes(): number {
    let total = this.gathered + this.sections;
    const served = this.merged?.index;
    for (const index of this.indexes) {
      // The merged segment's own index is counted with the segment.
      if (index === served) continue;
      const m = index.memoryBytes();
      total += m.vectors + m.graph + (m.codes ?? 0) + (m.codebook ?? 0);
    }
    if (this.merged) for (const bytes of Object.values(this.merged.memoryBytes())) total += bytes;
    return total;
  }
}
