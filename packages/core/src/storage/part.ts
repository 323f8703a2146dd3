import type { PartText } from './part-text.js';
import type { SparsePostings } from './sparse-index.js';
import type { VectorIndex } from './vector-index.js';

/**
 * One readable piece of a collection: a sealed segment, the memtable being
 * sealed, or the memtable taking writes. A read fans out over the parts of
 * one view (see `CollectionState.parts`); rows are internal offsets into a
 * part, and a row is live until an overwrite or delete kills it.
 */
export interface Part {
  readonly index: VectorIndex;
  /** Rows held, live or dead. */
  readonly rows: number;
  readonly liveCount: number;
  isLive(row: number): boolean;
  /** Marks `row` dead (only `CollectionState.apply` and a switch kill rows). */
  kill(row: number): void;
  /** The live row holding `id`, or −1. */
  find(id: string): number;
  externalId(row: number): string;
  /**
   * `externalId` of each row, in order: one call for a result's hits, whose
   * ids are read together (their cache misses overlap, see format/utf8.ts).
   */
  externalIds(rows: readonly number[]): string[];
  /** MessagePack-encoded metadata of `row`, or null. A view: copy it to keep it. */
  metadataBytes(row: number): Uint8Array | null;
  document(row: number): string | null;
  /** `document` of each row, in order, read together as `externalIds` reads ids. */
  documentsOf(rows: readonly number[]): (string | null)[];
  /** Full-text postings and live statistics; null when the collection has no full-text index. */
  readonly text: PartText | null;
  /** Sparse-vector postings; null when the collection has no sparse-vector index. */
  readonly sparse: SparsePostings | null;
}
