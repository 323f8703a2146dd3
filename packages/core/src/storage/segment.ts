import { decode } from '@msgpack/msgpack';
import { CorruptionError } from '../errors.js';
import { BlobList } from '../format/blob-list.js';
import { utf8Key } from '../format/utf8.js';
import { encodePageChecksums } from '../format/page-checksums.js';
import { layoutSegment, SectionKind, type SegmentLayout } from '../format/segment-file.js';
import type { Vfs } from '../fs/vfs.js';
import type { VectorIndex } from './vector-index.js';
import type { Metadata, Metric } from '../types.js';
import { IdTable } from './id-table.js';
import { PartText } from './part-text.js';
import type { SparsePostings } from './sparse-index.js';
import type { IndexFactory } from './index-factory.js';
import { sectionsInFile, sectionsInMemory, type SegmentSections } from './segment-sections.js';

const SECTION_NAMES: Partial<Record<SectionKind, string>> = {
  [SectionKind.Vectors]: 'vectors',
  [SectionKind.Ids]: 'ids',
  [SectionKind.Metadata]: 'metadata',
  [SectionKind.Documents]: 'documents',
  [SectionKind.Graph]: 'graph',
  [SectionKind.Codes]: 'codes',
  [SectionKind.Codebook]: 'codebook',
  [SectionKind.Postings]: 'fullText',
  [SectionKind.SparsePostings]: 'sparse',
  [SectionKind.PageChecksums]: 'pageChecksums',
};

/** What the manifest says a segment holds. */
export interface SegmentExpectation {
  rows: number;
  dimension: number;
  metric: Metric;
}

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
  /** Codes and codebook of a quantized collection. */
  quantization?: { codes: Uint8Array; codebook: Uint8Array };
  /** The full-text postings section of a collection with `fullText` (docs/format/postings.md). */
  postings?: Uint8Array;
  /** The sparse postings section of a collection with a sparse-vector index (docs/format/sparse-postings.md). */
  sparse?: Uint8Array;
}

/**
 * A sealed, immutable segment loaded for reading: its vector index, ids,
 * metadata and documents (read in place from their encoded sections), an id
 * lookup table, and the tombstones of deleted rows. The id table is built on
 * the first lookup by id (≈ 0.15 s at a million rows), so opening a segment
 * and searching it never waits for it.
 */
export class Segment {
  private readonly deleted: Uint8Array;
  private deletedRows = 0;
  private idTable: IdTable | null = null;

  private constructor(
    readonly id: number,
    readonly file: string,
    readonly rows: number,
    readonly index: VectorIndex,
    private readonly ids: BlobList,
    private readonly metadata: BlobList,
    private readonly documents: BlobList,
    /** Bytes of the segment file by section name (`vectors`, `graph`, `ids`, …, `header` for the rest). */
    readonly sectionBytes: Readonly<Record<string, number>>,
    /** Full-text postings and live statistics; null without a full-text index. */
    readonly text: PartText | null,
    /** Sparse-vector postings; null without a sparse-vector index. */
    readonly sparse: SparsePostings | null,
  ) {
    this.deleted = new Uint8Array(rows);
  }

  /** Lays sealed rows out as a segment file (docs/format/segment.md); the sections are views, not copies. */
  static encode(contents: SegmentContents, dimension: number, metric: Metric): SegmentLayout {
    const { ids, metadata, documents, vectors, graph, quantization, postings, sparse } = contents;
    const vectorBytes = new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
    const sections = [
      { kind: SectionKind.Vectors, bytes: vectorBytes },
      { kind: SectionKind.Ids, bytes: BlobList.encodeStrings(ids) },
    ];
    // A section no row uses is left out, so a segment of bare vectors costs little more than them.
    if (metadata.some((m) => m !== null)) sections.push({ kind: SectionKind.Metadata, bytes: BlobList.encode(metadata) });
    if (documents.some((d) => d !== null)) {
      sections.push({ kind: SectionKind.Documents, bytes: BlobList.encodeStrings(documents) });
    }
    if (graph) sections.push({ kind: SectionKind.Graph, bytes: graph });
    if (quantization) {
      sections.push({ kind: SectionKind.Codes, bytes: quantization.codes }, { kind: SectionKind.Codebook, bytes: quantization.codebook });
    }
    if (postings) sections.push({ kind: SectionKind.Postings, bytes: postings });
    if (sparse) sections.push({ kind: SectionKind.SparsePostings, bytes: sparse });
    // Page checksums let an open check the vectors a page at a time, as queries first use them (segment.md).
    if (vectorBytes.byteLength > 0) sections.push({ kind: SectionKind.PageChecksums, bytes: encodePageChecksums(vectorBytes) });
    return layoutSegment({ rows: ids.length, dimension, metric }, sections);
  }

  /**
   * Loads a segment from its file in memory (a segment just written, as its
   * layout or one buffer), verifying every checksum. `index` is reused when
   * given (a segment just sealed), else opened from the sections.
   */
  static load(
    id: number,
    file: string,
    bytes: Uint8Array | SegmentLayout,
    expected: SegmentExpectation,
    factory: IndexFactory,
    index?: VectorIndex,
  ): Segment {
    return Segment.fromSections(id, file, sectionsInMemory(bytes, file), expected, factory, index);
  }

  /**
   * Opens the segment file at `file` without reading it into a buffer of
   * its own: the header and table, then each section through a read-only
   * mapping of the file (positional reads through `vfs` where it gives
   * none; see sectionsInFile), the vectors with a positional read straight
   * into the index memory, every section checked against its crc32 before
   * it is used — in a version-2 file the vectors a 4 KiB page at a time, as
   * the index loads them after the open (docs/format/segment.md, "When the
   * checks run"). The graph is loaded, never rebuilt. Throws
   * CorruptionError (file, offset), or the Vfs's error.
   */
  static open(vfs: Vfs, id: number, file: string, expected: SegmentExpectation, factory: IndexFactory): Segment {
    const fd = vfs.open(file, 'r');
    try {
      const sections = sectionsInFile(vfs, fd, file);
      try {
        return Segment.fromSections(id, file, sections, expected, factory);
      } finally {
        sections.done?.();
      }
    } finally {
      vfs.close(fd);
    }
  }

  private static fromSections(
    id: number,
    file: string,
    sections: SegmentSections,
    expected: SegmentExpectation,
    factory: IndexFactory,
    index?: VectorIndex,
  ): Segment {
    const { header, entries } = sections;
    if (header.rows !== expected.rows) throw new CorruptionError(file, 16, `segment has ${header.rows} rows, manifest says ${expected.rows}`);
    if (header.dimension !== expected.dimension) throw new CorruptionError(file, 20, `dimension ${header.dimension}, expected ${expected.dimension}`);
    if (header.metric !== expected.metric) throw new CorruptionError(file, 24, `metric ${header.metric}, expected ${expected.metric}`);
    const need = (kind: SectionKind, name: string) => {
      const entry = entries.get(kind);
      if (!entry) throw new CorruptionError(file, 12, `missing ${name} section`);
      return entry;
    };
    const vec = need(SectionKind.Vectors, 'vectors');
    if (vec.lengthBytes !== header.rows * header.dimension * 4) {
      throw new CorruptionError(file, vec.offset, 'vectors section length does not match rows × dimension');
    }
    const lists = ([
      [SectionKind.Ids, 'ids'],
      [SectionKind.Metadata, 'metadata'],
      [SectionKind.Documents, 'documents'],
    ] as const).map(([kind, name]) => {
      const entry = kind === SectionKind.Ids ? need(kind, name) : entries.get(kind);
      if (!entry) return BlobList.absent(header.rows);
      const list = BlobList.decode(sections.read(entry), file, entry.offset);
      if (list.count !== header.rows) throw new CorruptionError(file, entry.offset, `${name} has ${list.count} entries for ${header.rows} rows`);
      return list;
    });
    const [ids, metadata, documents] = lists;
    // Presence flags are the bytes after the count (docs/format/segment.md, "Blob list"):
    // read in place, as a get() per row would allocate a view per row.
    const idsAt = need(SectionKind.Ids, 'ids').offset;
    for (let row = 0; row < header.rows; row++) {
      if (ids.bytes[4 + row] !== 1) throw new CorruptionError(file, idsAt + 4 + row, `row ${row} has no id`);
    }
    const pageChecksums = entries.get(SectionKind.PageChecksums);
    let vectorIndex = index;
    if (!vectorIndex) {
      const present = (kind: SectionKind) => {
        const entry = entries.get(kind);
        return entry ? { bytes: sections.read(entry), offset: entry.offset } : undefined;
      };
      vectorIndex = factory.open({
        dimension: header.dimension,
        metric: header.metric,
        rows: header.rows,
        file,
        // The vectors go straight into the index memory and are checked there: one copy, no buffer of their own.
        fillVectors: (dest) => sections.readInto(vec, dest),
        pagedVectors: pageChecksums && sections.paged ? () => sections.paged!(vec, pageChecksums) : undefined,
        originals: () => sections.originals(vec, header.rows, header.dimension),
        graph: present(SectionKind.Graph),
        codes: present(SectionKind.Codes),
        codebook: present(SectionKind.Codebook),
      });
    }
    const text = openText(sections, header.rows, file, factory);
    const sparse = openSparse(sections, header.rows, file, factory);
    const sectionBytes: Record<string, number> = {};
    for (const [kind, entry] of entries) sectionBytes[SECTION_NAMES[kind] ?? `section${kind}`] = entry.lengthBytes;
    sectionBytes.header = sections.fileBytes - Object.values(sectionBytes).reduce((a, b) => a + b, 0);
    return new Segment(id, file, header.rows, vectorIndex, ids, metadata, documents, sectionBytes, text, sparse);
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
    this.idTable ??= new IdTable(this.ids);
    const row = this.idTable.find(utf8Key(id));
    return row >= 0 && this.deleted[row] === 0 ? row : -1;
  }

  isLive(row: number): boolean {
    return this.deleted[row] === 0;
  }

  kill(row: number): void {
    if (this.deleted[row] === 1) return;
    this.deleted[row] = 1;
    this.deletedRows++;
    this.text?.killed(row);
  }

  /**
   * Sets the tombstones to exactly `rows`: a read-only reader that moves to a
   * newer manifest keeps the segments it has open, whose kills may run past
   * that manifest's LSN, and replays the log after it on top.
   */
  resetTombstones(rows: Uint32Array): void {
    // Every row live again first, in the full-text statistics too, so the kills below count each row once.
    if (this.text) for (let row = 0; row < this.rows; row++) if (this.deleted[row] === 1) this.text.added(row);
    this.deleted.fill(0);
    this.deletedRows = 0;
    for (const row of rows) this.kill(row);
  }

  /** Row offsets of tombstones, ascending. */
  tombstones(): Uint32Array {
    const out = new Uint32Array(this.deletedRows);
    let n = 0;
    for (let row = 0; row < this.rows; row++) if (this.deleted[row] === 1) out[n++] = row;
    return out;
  }

  externalId(row: number): string {
    return this.ids.presentText(row);
  }

  externalIds(rows: readonly number[]): string[] {
    return this.ids.presentTexts(rows);
  }

  metadataBytes(row: number): Uint8Array | null {
    return this.metadata.get(row);
  }

  metadataOf(row: number): Metadata | null {
    const bytes = this.metadata.get(row);
    return bytes ? (decode(bytes) as Metadata) : null;
  }

  document(row: number): string | null {
    return this.documents.text(row);
  }

  documentsOf(rows: readonly number[]): (string | null)[] {
    return this.documents.texts(rows);
  }

  /**
   * Bytes held in memory by component; `codes` and `codebook` are 0
   * unquantized. A quantized segment's float32 vectors are not held: see
   * {@link mappedBytes}.
   */
  memoryBytes(): Record<'vectors' | 'codes' | 'codebook' | 'graph' | 'ids' | 'idIndex' | 'metadata' | 'documents' | 'tombstones' | 'fullText' | 'sparse', number> {
    const index = this.index.memoryBytes();
    return {
      vectors: index.vectors,
      codes: index.codes ?? 0,
      codebook: index.codebook ?? 0,
      graph: index.graph,
      ids: this.ids.byteLength,
      idIndex: this.idTable?.byteLength ?? 0,
      metadata: this.metadata.byteLength,
      documents: this.documents.byteLength,
      tombstones: this.deleted.byteLength,
      fullText: this.text?.postings.memoryBytes() ?? 0,
      sparse: this.sparse?.memoryBytes() ?? 0,
    };
  }

  /**
   * Bytes of the segment file mapped into memory for a quantized segment's
   * float32 vectors (0 when they are read with positional reads or held in
   * the index): address space, resident only as the OS pages it in.
   */
  get mappedBytes(): number {
    return this.index.mappedBytes ?? 0;
  }

  dispose(): void {
    this.index.dispose();
  }
}

/**
 * The segment's full-text postings: present exactly when the collection has a
 * full-text index (docs/format/segment.md), else CorruptionError. The bytes
 * are copied out of a file held in memory, so the postings do not keep it alive.
 */
function openText(sections: SegmentSections, rows: number, file: string, factory: IndexFactory): PartText | null {
  const entry = sections.entries.get(SectionKind.Postings);
  if (!factory.text) {
    if (entry) throw new CorruptionError(file, entry.offset, 'postings section in a segment of a collection without fullText');
    return null;
  }
  if (!entry) throw new CorruptionError(file, 12, 'segment of a fullText collection has no postings section');
  const bytes = sections.read(entry);
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  return new PartText(factory.text.open(own, rows, { file, offset: entry.offset }));
}

/** The segment's sparse postings: present exactly when the collection has a sparse-vector index, else CorruptionError. */
function openSparse(sections: SegmentSections, rows: number, file: string, factory: IndexFactory): SparsePostings | null {
  const entry = sections.entries.get(SectionKind.SparsePostings);
  if (!factory.sparse) {
    if (entry) throw new CorruptionError(file, entry.offset, 'sparse postings section in a segment of a collection without a sparse-vector index');
    return null;
  }
  if (!entry) throw new CorruptionError(file, 12, 'segment of a collection with a sparse-vector index has no sparse postings section');
  const bytes = sections.read(entry);
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  return factory.sparse.open(own, rows, { file, offset: entry.offset });
}
