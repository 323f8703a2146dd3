import { ValidationError } from '../errors.js';
import type { Metric } from '../types.js';
import type { Neighbor, VectorIndex } from '../storage/vector-index.js';

const EMPTY = new Float32Array(0);

/**
 * The index of a collection whose records carry no vector (dimension 0, a
 * key-value collection): it only numbers rows, so the memtable and segments
 * keep their row-aligned ids, metadata and documents. It holds no bytes and
 * cannot be searched by vector.
 */
export class RowIndex implements VectorIndex {
  readonly dimension = 0;
  readonly approximate = false;

  constructor(
    readonly metric: Metric,
    private rows = 0,
  ) {}

  get size(): number {
    return this.rows;
  }

  add(): number {
    return this.rows++;
  }

  vector(): Float32Array {
    return EMPTY;
  }

  /** Nothing to write: rows have no vector. */
  readVector(): void {}

  /** Throws ValidationError: there are no vectors to compare. */
  search(): Neighbor[] {
    throw new ValidationError('this collection stores records without vectors (dimension 0); it cannot be queried by vector');
  }

  memoryBytes(): { vectors: number; graph: number } {
    return { vectors: 0, graph: 0 };
  }

  dispose(): void {}
}
