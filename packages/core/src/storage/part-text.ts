import type { TextPostings } from './text-index.js';

/**
 * A part's full-text postings with its live corpus statistics: documents and
 * tokens of the rows still live, kept exact as rows are added and killed, so
 * BM25's N and average doc length over the collection are sums over parts
 * (a dead row's postings stay until compaction; readers skip them by liveness).
 */
export class PartText {
  liveDocs: number;
  liveTokens: number;

  constructor(readonly postings: TextPostings) {
    this.liveDocs = postings.docCount;
    this.liveTokens = postings.totalTokens;
  }

  /** Counts `row`, just added to the postings, as live. */
  added(row: number): void {
    const length = this.postings.docLength(row);
    if (length < 0) return;
    this.liveDocs++;
    this.liveTokens += length;
  }

  /** Stops counting `row` (the part calls this once, when the row dies). */
  killed(row: number): void {
    const length = this.postings.docLength(row);
    if (length < 0) return;
    this.liveDocs--;
    this.liveTokens -= length;
  }
}
