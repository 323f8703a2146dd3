import { bm25Idf, bm25TermScore } from '../text/bm25.js';
import type { PostingList, TextIndexer } from '../storage/text-index.js';
import type { CollectionState } from '../storage/collection-state.js';
import type { Part } from '../storage/part.js';
import { candidateRows } from './contains-terms.js';
import { passes, type RowFilter } from './fanout.js';
import { topByScore } from './top-by-score.js';

/** A full-text hit: the part and row of a live record and its BM25 score. */
export interface TextHit {
  part: Part;
  row: number;
  score: number;
}

/**
 * BM25 over every part of the state's view (segments, the memtable being
 * sealed, the memtable), with corpus statistics taken over the live records
 * of all parts together: N = live records with a document, avgdl = their mean
 * doc length, df = live records holding the term (counted from the postings,
 * skipping dead rows). A score thus depends only on the live records, never
 * on how they fell into segments, and is the same before and after a
 * checkpoint, a reopen or a compaction.
 *
 * Every posting of the query's terms is scored (no early termination); rows
 * failing `filter` are dropped after scoring, and the best `limit` are kept,
 * highest score first, ties broken by ascending id so the order too is
 * independent of the layout. Records scoring 0 (no query term) never appear.
 */
export function searchFullText(state: CollectionState, text: TextIndexer, query: string, limit: number, filter: RowFilter): TextHit[] {
  const parts = state.parts.filter((p) => p.text !== null);
  let docs = 0;
  let tokens = 0;
  for (const p of parts) {
    docs += p.text!.liveDocs;
    tokens += p.text!.liveTokens;
  }
  const terms = text.analyze(query);
  if (docs === 0 || terms.length === 0 || limit <= 0) return [];
  const avgDocLength = tokens / docs;
  const unique = [...new Set(terms)];
  // Per unique term: its postings in each part and its live document frequency.
  const lists = unique.map((term) => parts.map((p) => p.text!.postings.postings(term)));
  const idf = lists.map((perPart) => {
    let df = 0;
    perPart.forEach((list, i) => {
      if (list) for (const row of list.rows) if (parts[i].isLive(row)) df++;
    });
    return bm25Idf(docs, df);
  });
  const hits: TextHit[] = [];
  parts.forEach((part, i) => {
    const scores = new Float64Array(part.rows);
    const touched: number[] = [];
    // Query order, repeats counted: every document adds its terms' weights in the same order, whatever its part.
    for (const term of terms) {
      const t = unique.indexOf(term);
      addScores(part, lists[t][i], idf[t], avgDocLength, text, scores, touched);
    }
    const candidates = filter.requiredTerms ? candidateRows(part, filter.requiredTerms) : undefined;
    for (const row of touched) if ((!candidates || candidates[row] === 1) && passes(part, row, filter)) hits.push({ part, row, score: scores[row] });
  });
  return topByScore(hits, limit);
}

function addScores(part: Part, list: PostingList | null, idf: number, avgDocLength: number, text: TextIndexer, scores: Float64Array, touched: number[]): void {
  if (!list) return;
  const postings = part.text!.postings;
  for (let i = 0; i < list.rows.length; i++) {
    const row = list.rows[i];
    if (!part.isLive(row)) continue;
    if (scores[row] === 0) touched.push(row);
    scores[row] += bm25TermScore(idf, list.tfs[i], postings.docLength(row), avgDocLength, text.params);
  }
}
