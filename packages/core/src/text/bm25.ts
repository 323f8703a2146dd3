import type { Bm25Params } from '../storage/text-index.js';

/** Lucene's and Elasticsearch's defaults. */
export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75 };

/**
 * Inverse document frequency of a term in `df` of `docs` documents, the
 * non-negative form Lucene uses: ln(1 + (N − df + 0.5) / (df + 0.5))
 * (Robertson & Zaragoza 2009, eq. 3.3, shifted so a common term scores ≥ 0).
 */
export function bm25Idf(docs: number, df: number): number {
  return Math.log(1 + (docs - df + 0.5) / (df + 0.5));
}

/**
 * One term's BM25 weight in a document: idf · tf · (k1 + 1) / (tf + k1 · (1 − b + b · dl / avgdl)),
 * `tf` its frequency there, `docLength` the document's tokens, `avgDocLength` the corpus mean
 * (Robertson & Zaragoza 2009, eq. 3.15). A document's score is the sum over the query's
 * terms, a term repeated in the query counting each time (as Lucene's boolean query of its terms).
 */
export function bm25TermScore(idf: number, tf: number, docLength: number, avgDocLength: number, params: Bm25Params): number {
  const { k1, b } = params;
  return (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * docLength) / avgDocLength));
}
