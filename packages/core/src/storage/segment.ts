import { decode } from '@msgpack/msgpack';
import { CorruptionError } from '../errors.js';
import { BlobList } from '../format/blob-list.js';
import { decodeSegment, encodeSegment, SectionKind } from '../format/segment-file.js';
import type { VectorIndex } from '../index/types.js';
import type { Metadata, Metric } from '../types.js';
import { IdTable } from './id-table.js';
import type { IndexFactory } from './index-factory.js';

const utf8 = new TextEncoder();

const SECTION_NAMES: Partial<Record<SectionKind, string>> = {
  [SectionKind.Vectors]: 'vectors',
  [SectionKind.Ids]: 'ids',
  [SectionKind.Metadata]: 'metadata',
  [SectionKind.Documents]: 'documents',
  [SectionKind.Graph]: 'graph',
};
const utf8Decoder = new TextDecoder();

/** What a segment file holds, row-aligned. */
export interface SegmentContents {
  ids: readonly string[];
  /** MessagePack-encoded metadata per row, null for none. */
  metadata: readonly (Uint8Array | null)[];
  documents: readonly (string | null)[];
  /** rows × dimension float32. */
  vectors: Float32Array;
  /** Serialized index graph, or null for an exact index. */
  graph: Uint8Array | null;
}

/**
 * A sealed, immutable segment loaded for reading: its vector index, ids,
 * metadata and documents (read in place from their encoded sections), an id
 * lookup table, and the tombstones of deleted rows.
 */
export class Segment {
  private readonly deleted: Uint8Array;
  private deletedRows = 0;

  private constructor(
    readonly id: number,
    readonly file: string,
    readonly rows: number,
    readonly index: VectorIndex,
    private readonly ids: BlobList,
    private readonly metadata: BlobList,
    private readonly documents: BlobList,
    private readonly idTable: IdTable,
    /** Bytes of the segment file by section name (`vectors`, `graph`, `ids`, …, `header` for the rest). */
    readonly sectionBytes: Readonly<Record<string, number>>,
  ) {
    this.deleted = new Uint8Array(rows);
  }

  /** Encodes sealed rows as a segment file (docs/format/segment.md). */
  static encode(contents: SegmentContents, dimension: number, metric: Metric): Uint8Array {
    const { ids, metadata, documents, vectors, graph } = contents;
    const sections = [
      { kind: SectionKind.Vectors, bytes: new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength) },
      { kind: SectionKind.Ids, bytes: BlobList.encode(ids.map((id) => utf8.encode(id))) },
    ];
    // A section no row uses is left out, so a segment of bare vectors costs little more than them.
    if (metadata.some((m) => m !== null)) sections.push({ kind: SectionKind.Metadata, bytes: BlobList.encode(metadata) });
    if (documents.some((d) => d !== null)) {
      sections.push({ kind: SectionKind.Documents, bytes: BlobList.encode(documents.map((d) => (d === null ? null : utf8.encode(d)))) });
    }
    if (graph) sections.push({ kind: SectionKind.Graph, bytes: graph });
    return encodeSegment({ rows: ids.length, dimension, metric }, sections);
  }

  /**
   * Loads a segment from its file bytes, verifying every checksum. `index` is
   * reused when given (a segment just sealed), else opened from the sections.
   */
  static load(
    id: number,
    file: string,
    bytes: Uint8Array,
    expected: { rows: number; dimension: number; metric: Metric },
    factory: IndexFactory,
    index?: VectorIndex,
  ): Segment {
    const { header, sections } = decodeSegment(bytes, file);
    if (header.rows !== expected.rows) throw new CorruptionError(file, 16, `segment has ${header.rows} rows, manifest says ${expected.rows}`);
    if (header.dimension !== expected.dimension) throw new CorruptionError(file, 20, `dimension ${header.dimension}, expected ${expected.dimension}`);
    if (header.metric !== expected.metric) throw new CorruptionError(file, 24, `metric ${header.metric}, expected ${expected.metric}`);
    const need = (kind: SectionKind, name: string) => {
      const s = sections.get(kind);
      if (!s) throw new CorruptionError(file, 12, `missing ${name} section`);
      return s;
    };
    const vec = need(SectionKind.Vectors, 'vectors');
    if (vec.bytes.byteLength !== header.rows * header.dimension * 4) {
      throw new CorruptionError(file, vec.offset, 'vectors section length does not match rows × dimension');
    }
    const lists = ([
      [SectionKind.Ids, 'ids'],
      [SectionKind.Metadata, 'metadata'],
      [SectionKind.Documents, 'documents'],
    ] as const).map(([kind, name]) => {
      const s = kind === SectionKind.Ids ? need(kind, name) : sections.get(kind);
      if (!s) return BlobList.absent(header.rows);
      const list = BlobList.decode(s.bytes, file, s.offset);
      if (list.count !== header.rows) throw new CorruptionError(file, s.offset, `${name} has ${list.count} entries for ${header.rows} rows`);
      return list;
    });
    const [ids, metadata, documents] = lists;
    for (let row = 0; row < header.rows; row++) {
      if (ids.get(row) === null) throw new CorruptionError(file, need(SectionKind.Ids, 'ids').offset, `row ${row} has no id`);
    }
    let vectorIndex = index;
    if (!vectorIndex) {
      // Copy the vectors out of the file buffer: it is 64-byte aligned within the file but the
      // buffer itself may not be, and the index keeps its own memory.
      const vectors = new Float32Array(vec.bytes.byteLength / 4);
      new Uint8Array(vectors.buffer).set(vec.bytes);
      const g = sections.get(SectionKind.Graph);
      vectorIndex = factory.open(header.dimension, header.metric, vectors, g?.bytes, { file, offset: g?.offset ?? 12 });
    }
    const sectionBytes: Record<string, number> = {};
    for (const [kind, ref] of sections) sectionBytes[SECTION_NAMES[kind] ?? `section${kind}`] = ref.bytes.byteLength;
    sectionBytes.header = bytes.byteLength - Object.values(sectionBytes).reduce((a, b) => a + b, 0);
    return new Segment(id, file, header.rows, vectorIndex, ids, metadata, documents, new IdTable(ids), sectionBytes);
  }

  /** Bytes of the segment file. */
  get fileBytes(): number {
    return Object.values(this.sectionBytes).reduce((a, b) => a + b, 0);
  }

  get liveCount(): number {
    return this.rows - this.deletedRows;
  }

  get deletedCount(): number {
    return this.deletedRows;
  }

  /** The live row holding `id`, or −1. */
  find(id: string): number {
    const row = this.idTable.find(utf8.encode(id));
    return row >= 0 && this.deleted[row] === 0 ? row : -1;
  }

  isLive(row: number): boolean {
    return this.deleted[row] === 0;
  }

  kill(row: number): void {
    if (this.deleted[row] === 1) return;
    this.deleted[row] = 1;
    this.deletedRows++;
  }

  /** Row offsets of tombstones, ascending. */
  tombstones(): Uint32Array {
    const out = new Uint32Array(this.deletedRows);
    let n = 0;
    for (let row = 0; row < this.rows; row++) if (this.deleted[row] === 1) out[n++] = row;
    return out;
  }

  externalId(row: number): string {
    return utf8Decoder.decode(this.ids.get(row)!);
  }

  metadataBytes(row: number): Uint8Array | null {
    return this.metadata.get(row);
  }

  metadataOf(row: number): Metadata | null {
    const bytes = this.metadata.get(row);
    return bytes ? (decode(bytes) as Metadata) : null;
  }

  document(row: number): string | null {
    const bytes = this.documents.get(row);
    return bytes ? utf8Decoder.decode(bytes) : null;
  }

  memoryBytes(): Record<'vectors' | 'graph' | 'ids' | 'idIndex' | 'metadata' | 'documents' | 'tombstones', number> {
    const index = this.index.memoryBytes();
    return {
      vectors: index.vectors,
      graph: index.graph,
      ids: this.ids.byteLength,
      idIndex: this.idTable.byteLength,
      metadata: this.metadata.byteLength,
      documents: this.documents.byteLength,
      tombstones: this.deleted.byteLength,
    };
  }

  dispose(): void {
    this.index.dispose();
  }
}
