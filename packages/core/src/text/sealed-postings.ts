import { NO_DOCUMENT, type PostingsLayout } from '../format/postings.js';
import type { PostingList, TextPostings } from '../storage/text-index.js';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * A segment's postings read in place from its decoded section: a term is
 * found by binary search over the sorted term bytes, so opening builds no
 * per-term object.
 */
export class SealedPostings implements TextPostings {
  readonly rows: number;
  readonly docCount: number;
  readonly totalTokens: number;

  constructor(private readonly layout: PostingsLayout) {
    this.rows = layout.rows;
    this.totalTokens = layout.totalTokens;
    let docs = 0;
    for (let row = 0; row < layout.rows; row++) if (layout.docLengths[row] !== NO_DOCUMENT) docs++;
    this.docCount = docs;
  }

  docLength(row: number): number {
    const length = this.layout.docLengths[row];
    return length === NO_DOCUMENT ? -1 : length;
  }

  postings(term: string): PostingList | null {
    const t = this.find(utf8.encode(term));
    return t < 0 ? null : this.list(t);
  }

  *terms(): Iterable<[string, PostingList]> {
    const { termOffsets, termBytes } = this.layout;
    for (let t = 0; t + 1 < termOffsets.length; t++) {
      yield [utf8Decoder.decode(termBytes.subarray(termOffsets[t], termOffsets[t + 1])), this.list(t)];
    }
  }

  memoryBytes(): number {
    const l = this.layout;
    return l.docLengths.byteLength + l.termOffsets.byteLength + l.postingStart.byteLength + l.termBytes.byteLength + l.postingRows.byteLength + l.postingTfs.byteLength;
  }

  private list(t: number): PostingList {
    const { postingStart, postingRows, postingTfs } = this.layout;
    return { rows: postingRows.subarray(postingStart[t], postingStart[t + 1]), tfs: postingTfs.subarray(postingStart[t], postingStart[t + 1]) };
  }

  /** Index of the term equal to `key`, or −1. */
  private find(key: Uint8Array): number {
    const { termOffsets, termBytes } = this.layout;
    let lo = 0;
    let hi = termOffsets.length - 2;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareTo(termBytes, termOffsets[mid], termOffsets[mid + 1], key);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

function compareTo(bytes: Uint8Array, from: number, to: number, key: Uint8Array): number {
  const n = Math.min(to - from, key.length);
  for (let i = 0; i < n; i++) {
    const d = bytes[from + i] - key[i];
    if (d !== 0) return d;
  }
  return to - from - key.length;
}
