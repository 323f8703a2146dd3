import type { MutableTextPostings } from './text-index.js';
import type { VectorIndex } from './vector-index.js';
import { ByteArena } from './byte-arena.js';
import { IdHash } from './id-hash.js';
import { PartText } from './part-text.js';
import { sparseVectorIn, type MutableSparsePostings, type SparseIndexer } from './sparse-index.js';
import { mappedArray } from '../kernels/mapped-array.js';
import { utf8Key } from '../format/utf8.js';

/**
 * Recent writes, in memory and searchable at once. Rows are appended; an
 * overwritten or deleted row is marked dead and stays until the memtable is
 * sealed into a segment at the next checkpoint.
 *
 * Ids, metadata (MessagePack) and documents (UTF-8) are packed into byte
 * arenas and the id lookup is a hash table of row numbers, so the memtable
 * holds no JS object per row and its memory is the sum of its buffers.
 */
export class Memtable {
  private readonly ids = new ByteArena();
  private readonly metadata = new ByteArena();
  private readonly documents = new ByteArena();
  private readonly rowOf = new IdHash((row) => this.ids.get(row)!);
  private live = new Uint8Array(64);
  private liveRows = 0;
  private rowsLeft = Infinity;

  /**
   * Bytes the memtable should fill before it is sealed (the store's
   * memtableLimitBytes); the index's growth steps are capped to fit it
   * (see {@link VectorIndex.limitGrowth}). Infinity: no limit.
   */
  limitBytes = Infinity;
  /**
   * Set by the store when it seals this memtable because it reached its
   * limit (an automatic checkpoint, not an explicit one): a memtable of
   * such rows after it fills to about as many (see merge-policy.ts
   * `mergesIntoOlder`).
   */
  filled = false;

  /** Full-text postings, built as rows arrive; null without a full-text index. */
  readonly text: PartText | null;

  /** Sparse-vector postings, built as rows arrive from their metadata; null without a sparse-vector index. */
  readonly sparse: MutableSparsePostings | null;

  constructor(
    readonly index: VectorIndex,
    textPostings: MutableTextPostings | null = null,
    private readonly sparseIndexer: SparseIndexer | null = null,
  ) {
    this.text = textPostings ? new PartText(textPostings) : null;
    this.sparse = sparseIndexer?.create() ?? null;
  }

  /** The postings being built (null without a full-text index). */
  get textPostings(): MutableTextPostings | null {
    return (this.text?.postings as MutableTextPostings | undefined) ?? null;
  }

  get rows(): number {
    return this.ids.length;
  }

  get liveCount(): number {
    return this.liveRows;
  }

  /**
   * Whether the memtable should be sealed: it holds `limitBytes` or more,
   * or `nextRows` more rows would grow its index past {@link limitBytes}.
   */
  full(limitBytes: number, nextRows: number): boolean {
    return this.rowsLeft < nextRows || this.totalBytes() >= limitBytes;
  }

  append(id: string, vector: Float32Array, metadata: Uint8Array | null, document: string | null): number {
    if (this.limitBytes !== Infinity && this.index.limitGrowth) {
      // The rest of the memtable grows with its rows too: reserve its bytes per row so far for every row to come.
      const other = this.otherBytes();
      this.rowsLeft = this.index.limitGrowth(this.limitBytes, this.rows > 0 ? other / this.rows : 0) - 1;
    }
    const row = this.index.add(vector);
    // Encoded straight into the arenas: no buffer of its own per id or document.
    const idAt = this.ids.pushText(id);
    this.metadata.push(metadata);
    this.documents.pushText(document);
    if (row >= this.live.length) {
      const grown = mappedArray(Uint8Array, this.live.length * 2);
      grown.set(this.live);
      this.live = grown;
    }
    this.live[row] = 1;
    this.rowOf.insert(this.ids.get(idAt)!, row);
    this.liveRows++;
    if (this.text) {
      (this.text.postings as MutableTextPostings).add(row, document);
      this.text.added(row);
    }
    this.sparse?.add(row, sparseVectorIn(metadata, this.sparseIndexer!.key));
    return row;
  }

  /** The live row of `id`, or −1. */
  find(id: string): number {
    return this.rowOf.find(utf8Key(id));
  }

  isLive(row: number): boolean {
    return this.live[row] === 1;
  }

  kill(row: number): void {
    if (this.live[row] !== 1) return;
    this.live[row] = 0;
    this.rowOf.remove(this.ids.get(row)!, row);
    this.liveRows--;
    this.text?.killed(row);
  }

  externalId(row: number): string {
    return this.ids.text(row)!;
  }

  externalIds(rows: readonly number[]): string[] {
    return this.ids.presentTexts(rows);
  }

  /** MessagePack-encoded metadata of `row`, or null. A view: copy it to keep it. */
  metadataBytes(row: number): Uint8Array | null {
    return this.metadata.get(row);
  }

  document(row: number): string | null {
    return this.documents.text(row);
  }

  documentsOf(rows: readonly number[]): (string | null)[] {
    return this.documents.texts(rows);
  }

  /** Bytes held outside the index. */
  private otherBytes(): number {
    return this.contentBytes() + (this.text?.postings.memoryBytes() ?? 0) + (this.sparse?.memoryBytes() ?? 0);
  }

  private contentBytes(): number {
    return this.ids.byteLength + this.metadata.byteLength + this.documents.byteLength + this.live.byteLength + this.rowOf.byteLength;
  }

  /** The sum of {@link memoryBytes}. */
  totalBytes(): number {
    const index = this.index.memoryBytes();
    return index.vectors + index.graph + this.otherBytes();
  }

  /** Bytes held: the index's vectors and graph, the arenas, flags and id table, and the full-text postings. */
  memoryBytes(): { vectors: number; graph: number; content: number; fullText: number; sparse: number } {
    const index = this.index.memoryBytes();
    return {
      vectors: index.vectors,
      graph: index.graph,
      content: this.contentBytes(),
      fullText: this.text?.postings.memoryBytes() ?? 0,
      sparse: this.sparse?.memoryBytes() ?? 0,
    };
  }
}
