/** BM25 parameters (Robertson & Zaragoza 2009, "The Probabilistic Relevance Framework: BM25 and Beyond"). */
export interface Bm25Params {
  /** Term-frequency saturation, ≥ 0 (default 1.2, as Lucene and Elasticsearch). */
  k1: number;
  /** Length normalisation, 0…1 (default 0.75, as Lucene and Elasticsearch). */
  b: number;
}

/** Postings of one term in one part: rows ascending, frequencies aligned (views, read before the next write). */
export interface PostingList {
  rows: Uint32Array;
  tfs: Uint32Array;
}

/**
 * The full-text index of one part (the memtable or a segment), over its rows
 * live or dead: which rows hold a document, their lengths, and per analysed
 * term the rows holding it. Liveness is the part's business.
 */
export interface TextPostings {
  /** Rows covered. */
  readonly rows: number;
  /** Tokens after analysis of `row`'s document; −1 when the row has none. */
  docLength(row: number): number;
  /** Rows with a document, live or dead. */
  readonly docCount: number;
  /** Sum of the doc lengths of the rows with a document. */
  readonly totalTokens: number;
  /** The postings of an analysed term, or null when no row holds it. */
  postings(term: string): PostingList | null;
  /** Every term with its postings (in no promised order). */
  terms(): Iterable<[string, PostingList]>;
  /** Bytes held in memory. */
  memoryBytes(): number;
}

/** A memtable's full-text index: grows a row at a time. */
export interface MutableTextPostings extends TextPostings {
  /** Indexes the document of the next row (rows arrive as 0, 1, 2, …); null for a row without one. */
  add(row: number, document: string | null): void;
}

/**
 * How a collection with a full-text index makes it: analysis, the memtable's
 * postings, and the segment section (docs/format/postings.md) written at a
 * checkpoint, merged at compaction and opened with a segment.
 */
export interface TextIndexer {
  readonly params: Bm25Params;
  /** Terms of a text, in order, repeats kept. */
  analyze(text: string): string[];
  create(): MutableTextPostings;
  /** The section bytes of a memtable's postings, all its rows. */
  encode(postings: TextPostings): Uint8Array;
  /**
   * The section bytes of a merged segment: `parts` in order, each with its
   * new row per old row (−1: dropped); new rows must keep the parts' order.
   */
  merge(parts: { postings: TextPostings; newRows: Int32Array }[], rows: number): Uint8Array;
  /** Opens a section of a segment of `rows` rows. Throws CorruptionError (file, offset). */
  open(bytes: Uint8Array, rows: number, source: { file: string; offset: number }): TextPostings;
}
