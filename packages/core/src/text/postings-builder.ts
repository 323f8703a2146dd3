import { NO_DOCUMENT, type PostingsLayout } from '../format/postings.js';
import type { MutableTextPostings, PostingList } from '../storage/text-index.js';
import { GrowingPostingList } from './growing-posting-list.js';

const utf8 = new TextEncoder();

/** One term's growing postings, seen as this index's list. */
class GrowingList extends GrowingPostingList<Uint32Array> {
  protected makeValues(length: number): Uint32Array {
    return new Uint32Array(length);
  }

  view(): PostingList {
    const { rows, values } = this.entries();
    return { rows, tfs: values };
  }
}

/** Map entry, key string and list object: V8's sizes, roughly; counted so stats() sees the vocabulary. */
const TERM_OVERHEAD_BYTES = 120;

/**
 * Postings built a row at a time (a memtable's, or a merge's): a hash map of
 * term → growing list, and the doc length per row. `toLayout` sorts the terms
 * into the section layout (docs/format/postings.md).
 */
export class PostingsBuilder implements MutableTextPostings {
  private readonly lists = new Map<string, GrowingList>();
  private lengths = new Int32Array(64);
  private termChars = 0;
  /** Bytes of every list's arrays, kept as they grow: stats() asks after each write. */
  private listBytes = 0;
  rows = 0;
  docCount = 0;
  totalTokens = 0;

  constructor(private readonly analyze: (text: string) => string[]) {}

  add(row: number, document: string | null): void {
    if (document === null) {
      this.setDocLength(row, -1);
      return;
    }
    const counts = new Map<string, number>();
    let length = 0;
    for (const term of this.analyze(document)) {
      counts.set(term, (counts.get(term) ?? 0) + 1);
      length++;
    }
    for (const [term, tf] of counts) this.addPosting(term, row, tf);
    this.setDocLength(row, length);
  }

  /** Sets `row`'s doc length (−1: no document); rows are set in ascending order. */
  setDocLength(row: number, length: number): void {
    while (row >= this.lengths.length) {
      const grown = new Int32Array(this.lengths.length * 2);
      grown.set(this.lengths);
      this.lengths = grown;
    }
    this.lengths[row] = length;
    this.rows = row + 1;
    if (length >= 0) {
      this.docCount++;
      this.totalTokens += length;
    }
  }

  /** Appends a posting; for one term, rows must come in ascending order. */
  addPosting(term: string, row: number, tf: number): void {
    let list = this.lists.get(term);
    if (!list) {
      list = new GrowingList();
      this.lists.set(term, list);
      this.termChars += term.length;
      this.listBytes += list.byteLength;
    }
    this.listBytes += list.push(row, tf);
  }

  docLength(row: number): number {
    return this.lengths[row];
  }

  postings(term: string): PostingList | null {
    return this.lists.get(term)?.view() ?? null;
  }

  *terms(): Iterable<[string, PostingList]> {
    for (const [term, list] of this.lists) yield [term, list.view()];
  }

  memoryBytes(): number {
    return this.lengths.byteLength + this.lists.size * TERM_OVERHEAD_BYTES + this.termChars * 2 + this.listBytes;
  }

  /** The section layout of the rows so far, terms in ascending UTF-8 byte order. */
  toLayout(analyzer: number): PostingsLayout {
    const encoded = [...this.lists.keys()].map((term) => ({ term, bytes: utf8.encode(term) }));
    encoded.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    const termOffsets = new Uint32Array(encoded.length + 1);
    const postingStart = new Uint32Array(encoded.length + 1);
    let termBytesLength = 0;
    let postings = 0;
    encoded.forEach(({ term, bytes }, t) => {
      termBytesLength += bytes.byteLength;
      postings += this.lists.get(term)!.length;
      termOffsets[t + 1] = termBytesLength;
      postingStart[t + 1] = postings;
    });
    const termBytes = new Uint8Array(termBytesLength);
    const postingRows = new Uint32Array(postings);
    const postingTfs = new Uint32Array(postings);
    encoded.forEach(({ term, bytes }, t) => {
      termBytes.set(bytes, termOffsets[t]);
      const list = this.lists.get(term)!.view();
      postingRows.set(list.rows, postingStart[t]);
      postingTfs.set(list.tfs, postingStart[t]);
    });
    const docLengths = new Uint32Array(this.rows);
    for (let row = 0; row < this.rows; row++) docLengths[row] = this.lengths[row] < 0 ? NO_DOCUMENT : this.lengths[row];
    return { analyzer, rows: this.rows, docLengths, totalTokens: this.totalTokens, termOffsets, termBytes, postingStart, postingRows, postingTfs };
  }
}
