/**
 * Binary heaps of (distance, row) pairs on typed arrays, the candidate and
 * result lists of HNSW search (Malkov & Yashunin 2018, Alg. 2) and of exact
 * top-k. Typed arrays keep the entries unboxed; both heaps grow by doubling.
 */
export class MinHeap {
  private keys: Float64Array;
  private ids: Int32Array;
  private count = 0;

  constructor(initialCapacity = 64) {
    this.keys = new Float64Array(Math.max(1, initialCapacity));
    this.ids = new Int32Array(Math.max(1, initialCapacity));
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0;
  }

  /** Smallest key; undefined behaviour when empty. */
  topKey(): number {
    return this.keys[0];
  }

  /** Row of the smallest key; undefined behaviour when empty. */
  topId(): number {
    return this.ids[0];
  }

  push(key: number, id: number): void {
    if (this.count === this.keys.length) this.grow();
    const keys = this.keys;
    const ids = this.ids;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent] <= key) break;
      keys[i] = keys[parent];
      ids[i] = ids[parent];
      i = parent;
    }
    keys[i] = key;
    ids[i] = id;
  }

  /** Removes the smallest entry (the caller read it with topKey/topId first). */
  pop(): void {
    const n = --this.count;
    if (n === 0) return;
    this.siftDown(n, this.keys[n], this.ids[n]);
  }

  /**
   * Replaces the smallest entry with (key, id) in one sift-down: the same
   * entries, in the same places, as assembly/heap.ts maxReplaceTop on
   * negated keys. Undefined behaviour when empty.
   */
  replaceTop(key: number, id: number): void {
    this.siftDown(this.count, key, id);
  }

  /** Puts (key, id) at the free root of the first `n` entries and sifts it down to its place. */
  private siftDown(n: number, key: number, id: number): void {
    const keys = this.keys;
    const ids = this.ids;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && keys[child + 1] < keys[child]) child++;
      if (keys[child] >= key) break;
      keys[i] = keys[child];
      ids[i] = ids[child];
      i = child;
    }
    keys[i] = key;
    ids[i] = id;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    const ids = new Int32Array(this.ids.length * 2);
    keys.set(this.keys);
    ids.set(this.ids);
    this.keys = keys;
    this.ids = ids;
  }
}

/** A max-heap: a {@link MinHeap} on negated distances. */
export class MaxHeap {
  private readonly heap: MinHeap;

  constructor(initialCapacity = 64) {
    this.heap = new MinHeap(initialCapacity);
  }

  get size(): number {
    return this.heap.size;
  }

  clear(): void {
    this.heap.clear();
  }

  /** Largest distance; undefined behaviour when empty. */
  topDistance(): number {
    return -this.heap.topKey();
  }

  topId(): number {
    return this.heap.topId();
  }

  push(distance: number, id: number): void {
    this.heap.push(-distance, id);
  }

  pop(): void {
    this.heap.pop();
  }

  /** Replaces the largest entry with (distance, id); see MinHeap.replaceTop. */
  replaceTop(distance: number, id: number): void {
    this.heap.replaceTop(-distance, id);
  }
}
