import { decodeSparsePostings, encodeSparsePostings, type SparseLayout } from '../format/sparse-postings.js';
import type { MutableSparsePostings, SparseIndexer, SparseList, SparsePostings, SparseVector } from '../storage/sparse-index.js';
import { GrowingPostingList } from './growing-posting-list.js';

/** One dimension's growing postings, seen as this index's list. */
class GrowingList extends GrowingPostingList<Float32Array> {
  protected makeValues(length: number): Float32Array {
    return new Float32Array(length);
  }

  view(): SparseList {
    const { rows, values } = this.entries();
    return { rows, weights: values };
  }
}

/** Map entry and list object: V8's sizes, roughly; counted so stats() sees the dimensions. */
const DIM_OVERHEAD_BYTES = 100;

/** Sparse postings built a row at a time (a memtable's, or a merge's): dimension → growing list. */
export class SparsePostingsBuilder implements MutableSparsePostings {
  private readonly lists = new Map<number, GrowingList>();
  private listBytes = 0;
  private withVector = new Uint8Array(64);
  rows = 0;

  add(row: number, vector: SparseVector | null): void {
    if (vector) for (let i = 0; i < vector.indices.length; i++) this.addPosting(vector.indices[i], row, vector.values[i]);
    this.rows = row + 1;
  }

  hasVector(row: number): boolean {
    return row < this.withVector.length && this.withVector[row] === 1;
  }

  /** Appends a posting; for one dimension, rows must come in ascending order. */
  addPosting(dim: number, row: number, weight: number): void {
    let list = this.lists.get(dim);
    if (!list) {
      list = new GrowingList();
      this.lists.set(dim, list);
      this.listBytes += list.byteLength;
    }
    this.listBytes += list.push(row, weight);
    while (row >= this.withVector.length) {
      const grown = new Uint8Array(this.withVector.length * 2);
      grown.set(this.withVector);
      this.withVector = grown;
    }
    this.withVector[row] = 1;
  }

  postings(dim: number): SparseList | null {
    return this.lists.get(dim)?.view() ?? null;
  }

  *dims(): Iterable<[number, SparseList]> {
    for (const dim of [...this.lists.keys()].sort((a, b) => a - b)) yield [dim, this.lists.get(dim)!.view()];
  }

  memoryBytes(): number {
    return this.lists.size * DIM_OVERHEAD_BYTES + this.listBytes + this.withVector.byteLength;
  }

  /** The section layout of the rows so far. */
  toLayout(): SparseLayout {
    const dims = new Uint32Array([...this.lists.keys()].sort((a, b) => a - b));
    const postingStart = new Uint32Array(dims.length + 1);
    dims.forEach((dim, d) => (postingStart[d + 1] = postingStart[d] + this.lists.get(dim)!.length));
    const postingRows = new Uint32Array(postingStart[dims.length]);
    const postingWeights = new Float32Array(postingStart[dims.length]);
    dims.forEach((dim, d) => {
      const list = this.lists.get(dim)!.view();
      postingRows.set(list.rows, postingStart[d]);
      postingWeights.set(list.weights, postingStart[d]);
    });
    return { rows: this.rows, dims, postingStart, postingRows, postingWeights };
  }
}

/** A segment's sparse postings read in place from its decoded section; a dimension is found by binary search. */
export class SealedSparsePostings implements SparsePostings {
  readonly rows: number;
  private readonly withVector: Uint8Array;

  constructor(private readonly layout: SparseLayout) {
    this.rows = layout.rows;
    this.withVector = new Uint8Array(layout.rows);
    for (const row of layout.postingRows) this.withVector[row] = 1;
  }

  hasVector(row: number): boolean {
    return this.withVector[row] === 1;
  }

  postings(dim: number): SparseList | null {
    const { dims } = this.layout;
    let lo = 0;
    let hi = dims.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (dims[mid] === dim) return this.list(mid);
      if (dims[mid] < dim) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }

  *dims(): Iterable<[number, SparseList]> {
    for (let d = 0; d < this.layout.dims.length; d++) yield [this.layout.dims[d], this.list(d)];
  }

  memoryBytes(): number {
    const l = this.layout;
    return l.dims.byteLength + l.postingStart.byteLength + l.postingRows.byteLength + l.postingWeights.byteLength + this.withVector.byteLength;
  }

  private list(d: number): SparseList {
    const { postingStart, postingRows, postingWeights } = this.layout;
    return { rows: postingRows.subarray(postingStart[d], postingStart[d + 1]), weights: postingWeights.subarray(postingStart[d], postingStart[d + 1]) };
  }
}

/** The sparse indexer of a collection whose vectors live under metadata `key`. */
export function sparseIndexer(key: string): SparseIndexer {
  return {
    key,
    create: () => new SparsePostingsBuilder(),
    encode: (postings) => encodeSparsePostings(relayout([{ postings, newRows: identity(postings.rows) }], postings.rows)),
    merge: (parts, rows) => encodeSparsePostings(relayout(parts, rows)),
    open: (bytes, rows, source) => new SealedSparsePostings(decodeSparsePostings(bytes, rows, source.file, source.offset)),
  };
}

function identity(rows: number): Int32Array {
  const out = new Int32Array(rows);
  for (let row = 0; row < rows; row++) out[row] = row;
  return out;
}

/** Postings of `parts` renumbered (new rows keep the parts' order, so each dimension's rows stay ascending). */
function relayout(parts: { postings: SparsePostings; newRows: Int32Array }[], rows: number): SparseLayout {
  const builder = new SparsePostingsBuilder();
  for (const { postings, newRows } of parts) {
    for (const [dim, list] of postings.dims()) {
      for (let i = 0; i < list.rows.length; i++) {
        const row = newRows[list.rows[i]];
        if (row >= 0) builder.addPosting(dim, row, list.weights[i]);
      }
    }
  }
  builder.rows = rows;
  return builder.toLayout();
}
