import { SCAN_CHUNK_ROWS } from '../exact/exact-scan.js';
import { MaxHeap, MinHeap } from '../../kernels/heap.js';

/**
 * Working memory of one HNSW index, reused by every search and insert (the
 * index is used from one thread at a time). Five arrays of `capacity` 4-byte
 * slots in kernel memory, so the kernels read and write them in place:
 * `ids`/`out` carry a node's unvisited neighbours and their distances;
 * `candIds`/`candDists`/`selected` feed the neighbour-selection heuristic.
 * `out` doubles as the exact scan's distance buffer.
 */
export class HnswScratch {
  readonly ids: number;
  readonly out: number;
  readonly candIds: number;
  readonly candDists: number;
  readonly selected: number;
  /** Candidates to expand, nearest first (C in the paper). */
  readonly candidates = new MinHeap(256);
  /** Best results so far, farthest on top (W in the paper). */
  readonly results = new MaxHeap(256);
  /** Results the last layer search left in the graph's result region. */
  found = 0;

  /** Slots needed for `efConstruction` and `M`. */
  static capacityFor(efConstruction: number, M: number): number {
    return Math.max(efConstruction + 1, 2 * M + 2, SCAN_CHUNK_ROWS);
  }

  /** Bytes of kernel memory for `capacity` slots. */
  static bytes(capacity: number): number {
    return 5 * capacity * 4;
  }

  /** @param base byte offset of {@link HnswScratch.bytes} free, 16-byte aligned bytes */
  constructor(base: number, readonly capacity: number) {
    this.ids = base;
    this.out = base + capacity * 4;
    this.candIds = base + 2 * capacity * 4;
    this.candDists = base + 3 * capacity * 4;
    this.selected = base + 4 * capacity * 4;
  }
}
