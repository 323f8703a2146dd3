import { CorruptionError } from '../errors.js';
import { viewOf } from './header.js';

/** Layout in docs/format/postings.md. */
export const POSTINGS_HEADER_BYTES = 24;
/** Doc length of a row without a document. */
export const NO_DOCUMENT = 0xffffffff;

/**
 * The full-text index of one segment, decoded: per row its doc length (tokens
 * after analysis, {@link NO_DOCUMENT} for none), and per term, in ascending
 * UTF-8 byte order, its postings (rows ascending, with term frequencies).
 */
export interface PostingsLayout {
  /** Analyzer that produced the terms (1: English, see text/analyzer.ts). */
  analyzer: number;
  rows: number;
  docLengths: Uint32Array;
  /** Sum of the doc lengths of the rows with a document. */
  totalTokens: number;
  /** Term t is `termBytes[termOffsets[t] .. termOffsets[t + 1])`; T + 1 entries. */
  termOffsets: Uint32Array;
  termBytes: Uint8Array;
  /** Postings of term t are entries `postingStart[t] .. postingStart[t + 1]`; T + 1 entries. */
  postingStart: Uint32Array;
  postingRows: Uint32Array;
  postingTfs: Uint32Array;
}

export function encodePostings(p: PostingsLayout): Uint8Array {
  const terms = p.termOffsets.length - 1;
  const postings = p.postingRows.length;
  const termBytesPadded = align4(p.termBytes.byteLength);
  const size = POSTINGS_HEADER_BYTES + 4 * p.rows + 8 * (terms + 1) + termBytesPadded + 8 * postings;
  const out = new Uint8Array(size);
  const view = viewOf(out);
  view.setUint32(0, p.analyzer, true);
  view.setUint32(4, p.rows, true);
  view.setUint32(8, terms, true);
  view.setUint32(12, postings, true);
  view.setBigUint64(16, BigInt(p.totalTokens), true);
  let at = POSTINGS_HEADER_BYTES;
  const put = (a: Uint32Array) => {
    for (let i = 0; i < a.length; i++) view.setUint32(at + 4 * i, a[i], true);
    at += 4 * a.length;
  };
  put(p.docLengths);
  put(p.termOffsets);
  put(p.postingStart);
  out.set(p.termBytes, at);
  at += termBytesPadded;
  put(p.postingRows);
  put(p.postingTfs);
  return out;
}

/**
 * Decodes and verifies a postings section of a segment of `rows` rows
 * (`offset`: its place in `file`, for errors): sizes, offsets within bounds
 * and ascending, terms non-empty and strictly ascending, rows ascending
 * within a term and holding a document, frequencies ≥ 1, and each row's
 * frequencies summing to its doc length. Throws CorruptionError at the
 * offending field. The arrays view a 4-byte-aligned copy when `bytes` is not aligned.
 */
export function decodePostings(bytes: Uint8Array, rows: number, file: string, offset: number): PostingsLayout {
  const fail = (at: number, why: string): never => {
    throw new CorruptionError(file, offset + at, `postings: ${why}`);
  };
  if (bytes.byteLength < POSTINGS_HEADER_BYTES) fail(0, 'section shorter than its header');
  const b = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const view = viewOf(b);
  const analyzer = view.getUint32(0, true);
  if (view.getUint32(4, true) !== rows) fail(4, `covers ${view.getUint32(4, true)} rows, the segment has ${rows}`);
  const terms = view.getUint32(8, true);
  const postings = view.getUint32(12, true);
  const totalTokens = Number(view.getBigUint64(16, true));
  const u32 = (at: number, n: number) => new Uint32Array(b.buffer, b.byteOffset + at, n);
  let at = POSTINGS_HEADER_BYTES;
  const fixed = at + 4 * rows + 8 * (terms + 1);
  if (fixed > b.byteLength) fail(8, `${terms} terms and ${rows} rows run past the end`);
  const docLengths = u32(at, rows);
  at += 4 * rows;
  const termOffsetsAt = at;
  const termOffsets = u32(at, terms + 1);
  at += 4 * (terms + 1);
  const postingStartAt = at;
  const postingStart = u32(at, terms + 1);
  at += 4 * (terms + 1);
  const termBytesLength = termOffsets[terms];
  if (termOffsets[0] !== 0) fail(termOffsetsAt, 'first term offset is not 0');
  if (postingStart[0] !== 0 || postingStart[terms] !== postings) fail(postingStartAt, 'postings starts do not span the postings');
  if (at + align4(termBytesLength) + 8 * postings !== b.byteLength) fail(12, 'section length does not match its counts');
  const termBytes = b.subarray(at, at + termBytesLength);
  for (let i = at + termBytesLength; i < at + align4(termBytesLength); i++) if (b[i] !== 0) fail(i, 'padding byte is not zero');
  at += align4(termBytesLength);
  const postingRowsAt = at;
  const postingRows = u32(at, postings);
  at += 4 * postings;
  const postingTfsAt = at;
  const postingTfs = u32(at, postings);

  let total = 0;
  for (let row = 0; row < rows; row++) if (docLengths[row] !== NO_DOCUMENT) total += docLengths[row];
  if (total !== totalTokens) fail(16, `total tokens ${totalTokens}, doc lengths sum to ${total}`);
  const sums = new Float64Array(rows);
  for (let t = 0; t < terms; t++) {
    const from = termOffsets[t];
    const to = termOffsets[t + 1];
    if (to <= from || to > termBytesLength) fail(termOffsetsAt + 4 * (t + 1), `term ${t} is empty or out of bounds`);
    if (t > 0 && compareBytes(termBytes, termOffsets[t - 1], from, from, to) >= 0) fail(termOffsetsAt + 4 * t, `term ${t} is not after term ${t - 1}`);
    const start = postingStart[t];
    const end = postingStart[t + 1];
    if (end <= start || end > postings) fail(postingStartAt + 4 * (t + 1), `term ${t} has no postings or runs past them`);
    for (let i = start; i < end; i++) {
      const row = postingRows[i];
      if (row >= rows || (i > start && row <= postingRows[i - 1])) fail(postingRowsAt + 4 * i, `row ${row} out of range or not ascending`);
      if (docLengths[row] === NO_DOCUMENT) fail(postingRowsAt + 4 * i, `row ${row} has postings but no document`);
      if (postingTfs[i] === 0) fail(postingTfsAt + 4 * i, 'term frequency 0');
      sums[row] += postingTfs[i];
    }
  }
  for (let row = 0; row < rows; row++) {
    const expected = docLengths[row] === NO_DOCUMENT ? 0 : docLengths[row];
    if (sums[row] !== expected) fail(POSTINGS_HEADER_BYTES + 4 * row, `row ${row}: doc length ${expected}, term frequencies sum to ${sums[row]}`);
  }
  return { analyzer, rows, docLengths, totalTokens, termOffsets, termBytes, postingStart, postingRows, postingTfs };
}

/** Compares bytes[aFrom..aTo) with bytes[bFrom..bTo) (the same array), as unsigned bytes. */
export function compareBytes(bytes: Uint8Array, aFrom: number, aTo: number, bFrom: number, bTo: number): number {
  const n = Math.min(aTo - aFrom, bTo - bFrom);
  for (let i = 0; i < n; i++) {
    const d = bytes[aFrom + i] - bytes[bFrom + i];
    if (d !== 0) return d;
  }
  return aTo - aFrom - (bTo - bFrom);
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
