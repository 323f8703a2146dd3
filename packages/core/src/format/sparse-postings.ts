import { CorruptionError } from '../errors.js';
import { viewOf } from './header.js';

/** Layout in docs/format/sparse-postings.md. */
export const SPARSE_HEADER_BYTES = 16;

/**
 * The sparse-vector index of one segment, decoded: per dimension of the
 * sparse vectors (ascending uint32), its postings (rows ascending, with the
 * row's weight on that dimension).
 */
export interface SparseLayout {
  rows: number;
  /** Dimensions held, strictly ascending; D entries. */
  dims: Uint32Array;
  /** Postings of dimension d are entries `postingStart[d] .. postingStart[d + 1]`; D + 1 entries. */
  postingStart: Uint32Array;
  postingRows: Uint32Array;
  postingWeights: Float32Array;
}

export function encodeSparsePostings(p: SparseLayout): Uint8Array {
  const dims = p.dims.length;
  const postings = p.postingRows.length;
  const out = new Uint8Array(SPARSE_HEADER_BYTES + 4 * dims + 4 * (dims + 1) + 8 * postings);
  const view = viewOf(out);
  view.setUint32(0, p.rows, true);
  view.setUint32(4, dims, true);
  view.setUint32(8, postings, true);
  view.setUint32(12, 0, true);
  let at = SPARSE_HEADER_BYTES;
  for (const a of [p.dims, p.postingStart, p.postingRows]) {
    for (let i = 0; i < a.length; i++) view.setUint32(at + 4 * i, a[i], true);
    at += 4 * a.length;
  }
  for (let i = 0; i < postings; i++) view.setFloat32(at + 4 * i, p.postingWeights[i], true);
  return out;
}

/**
 * Decodes and verifies a sparse postings section of a segment of `rows`
 * rows (`offset`: its place in `file`, for errors): sizes, dimensions
 * strictly ascending, every dimension with postings, rows in range and
 * strictly ascending within a dimension, weights finite. Throws
 * CorruptionError at the offending field. The arrays view a 4-byte-aligned
 * copy when `bytes` is not aligned.
 */
export function decodeSparsePostings(bytes: Uint8Array, rows: number, file: string, offset: number): SparseLayout {
  const fail = (at: number, why: string): never => {
    throw new CorruptionError(file, offset + at, `sparse postings: ${why}`);
  };
  if (bytes.byteLength < SPARSE_HEADER_BYTES) fail(0, 'section shorter than its header');
  const b = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const view = viewOf(b);
  if (view.getUint32(0, true) !== rows) fail(0, `covers ${view.getUint32(0, true)} rows, the segment has ${rows}`);
  const dimCount = view.getUint32(4, true);
  const postings = view.getUint32(8, true);
  if (view.getUint32(12, true) !== 0) fail(12, 'reserved field is not zero');
  if (SPARSE_HEADER_BYTES + 8 * dimCount + 4 + 8 * postings !== b.byteLength) fail(4, 'section length does not match its counts');
  let at = SPARSE_HEADER_BYTES;
  const dimsAt = at;
  const dims = new Uint32Array(b.buffer, b.byteOffset + at, dimCount);
  at += 4 * dimCount;
  const startAt = at;
  const postingStart = new Uint32Array(b.buffer, b.byteOffset + at, dimCount + 1);
  at += 4 * (dimCount + 1);
  const rowsAt = at;
  const postingRows = new Uint32Array(b.buffer, b.byteOffset + at, postings);
  at += 4 * postings;
  const weightsAt = at;
  const postingWeights = new Float32Array(b.buffer, b.byteOffset + at, postings);
  if (postingStart[0] !== 0 || postingStart[dimCount] !== postings) fail(startAt, 'postings starts do not span the postings');
  for (let d = 0; d < dimCount; d++) {
    if (d > 0 && dims[d] <= dims[d - 1]) fail(dimsAt + 4 * d, `dimension ${dims[d]} is not after ${dims[d - 1]}`);
    const start = postingStart[d];
    const end = postingStart[d + 1];
    if (end <= start || end > postings) fail(startAt + 4 * (d + 1), `dimension ${dims[d]} has no postings or runs past them`);
    for (let i = start; i < end; i++) {
      const row = postingRows[i];
      if (row >= rows || (i > start && row <= postingRows[i - 1])) fail(rowsAt + 4 * i, `row ${row} out of range or not ascending`);
      if (!Number.isFinite(postingWeights[i])) fail(weightsAt + 4 * i, 'weight is not finite');
    }
  }
  return { rows, dims, postingStart, postingRows, postingWeights };
}
