/**
 * Rows in ascending order of their distance (equal distances by row),
 * produced lazily: a binary min-heap of row numbers built in O(n) (Floyd's
 * method), each {@link next} in O(log n). An exact scan under a costly
 * filter pops rows in this order and asks the filter only until k rows
 * pass, about k / selectivity questions instead of one per row.
 */
export class AscendingRows {
  private readonly heap: Int32Array;
  private size: number;

  /** @param distances one float32 distance per row 0…count−1; read, never written */
  constructor(
    private readonly distances: Float32Array,
    count: number,
  ) {
    this.heap = new Int32Array(count);
    for (let i = 0; i < count; i++) this.heap[i] = i;
    this.size = count;
    for (let i = (count >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** The nearest row not yet returned, or −1 when all were. */
  next(): number {
    if (this.size === 0) return -1;
    const top = this.heap[0];
    this.size--;
    if (this.size > 0) {
      this.heap[0] = this.heap[this.size];
      this.siftDown(0);
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const da = this.distances[a];
    const db = this.distances[b];
    return da < db || (da === db && a < b);
  }

  private siftDown(at: number): void {
    const heap = this.heap;
    const row = heap[at];
    for (;;) {
      let child = 2 * at + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.before(heap[child + 1], heap[child])) child++;
      if (!this.before(heap[child], row)) break;
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = row;
  }
}
