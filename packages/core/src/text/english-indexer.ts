import { CorruptionError } from '../errors.js';
import { decodePostings, encodePostings } from '../format/postings.js';
import { analyzeEnglish, ENGLISH_ANALYZER } from './analyzer.js';
import { PostingsBuilder } from './postings-builder.js';
import { SealedPostings } from './sealed-postings.js';
import type { Bm25Params, TextIndexer, TextPostings } from '../storage/text-index.js';

/** The full-text index of a collection with `fullText`: English analysis, BM25 with `params`. */
export function englishTextIndexer(params: Bm25Params): TextIndexer {
  const toBytes = (builder: PostingsBuilder) => encodePostings(builder.toLayout(ENGLISH_ANALYZER));
  return {
    params,
    analyze: analyzeEnglish,
    create: () => new PostingsBuilder(analyzeEnglish),
    encode: (postings) => {
      if (postings instanceof PostingsBuilder) return toBytes(postings);
      return toBytes(copyOf(postings));
    },
    merge: (parts, rows) => {
      const merged = new PostingsBuilder(analyzeEnglish);
      // Doc lengths first, in new-row order; then postings term by term, part by part: a term's rows
      // stay ascending because each part's new rows follow the previous part's.
      const lengths = new Int32Array(rows).fill(-1);
      for (const { postings, newRows } of parts) {
        for (let row = 0; row < postings.rows; row++) if (newRows[row] >= 0) lengths[newRows[row]] = postings.docLength(row);
      }
      for (let row = 0; row < rows; row++) merged.setDocLength(row, lengths[row]);
      for (const { postings, newRows } of parts) {
        for (const [term, list] of postings.terms()) {
          for (let i = 0; i < list.rows.length; i++) {
            const row = newRows[list.rows[i]];
            if (row >= 0) merged.addPosting(term, row, list.tfs[i]);
          }
        }
      }
      return toBytes(merged);
    },
    open: (bytes, rows, { file, offset }) => {
      const layout = decodePostings(bytes, rows, file, offset);
      if (layout.analyzer !== ENGLISH_ANALYZER) throw new CorruptionError(file, offset, `postings made by analyzer ${layout.analyzer}; this build reads ${ENGLISH_ANALYZER}`);
      return new SealedPostings(layout);
    },
  };
}

function copyOf(postings: TextPostings): PostingsBuilder {
  const out = new PostingsBuilder(analyzeEnglish);
  for (let row = 0; row < postings.rows; row++) out.setDocLength(row, postings.docLength(row));
  for (const [term, list] of postings.terms()) for (let i = 0; i < list.rows.length; i++) out.addPosting(term, list.rows[i], list.tfs[i]);
  return out;
}
