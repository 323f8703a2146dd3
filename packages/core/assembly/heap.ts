// Binary heaps of (distance f32, row i32) pairs, 8 bytes per entry, in linear
// memory: the candidate list C (min-heap) and result list W (max-heap) of the
// HNSW layer search. Sizes are kept by the caller.

@inline function keyAt(h: usize, i: i32): f32 {
  return load<f32>(h + (<usize>i << 3));
}

@inline function idAt(h: usize, i: i32): i32 {
  return load<i32>(h + (<usize>i << 3), 4);
}

@inline function put(h: usize, i: i32, key: f32, id: i32): void {
  const p = h + (<usize>i << 3);
  store<f32>(p, key);
  store<i32>(p, id, 4);
}

@inline export function topKey(h: usize): f32 {
  return load<f32>(h);
}

@inline export function topId(h: usize): i32 {
  return load<i32>(h, 4);
}

/** Adds (key, id) to a min-heap of `size` entries. */
export function minPush(h: usize, size: i32, key: f32, id: i32): void {
  let i = size;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const pk = keyAt(h, parent);
    if (pk <= key) break;
    put(h, i, pk, idAt(h, parent));
    i = parent;
  }
  put(h, i, key, id);
}

/** Removes the top of a min-heap of `size` entries. */
export function minPop(h: usize, size: i32): void {
  const n = size - 1;
  const key = keyAt(h, n);
  const id = idAt(h, n);
  let i = 0;
  while (true) {
    let child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && keyAt(h, child + 1) < keyAt(h, child)) child++;
    const ck = keyAt(h, child);
    if (ck >= key) break;
    put(h, i, ck, idAt(h, child));
    i = child;
  }
  put(h, i, key, id);
}

/** Adds (key, id) to a max-heap of `size` entries. */
export function maxPush(h: usize, size: i32, key: f32, id: i32): void {
  let i = size;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const pk = keyAt(h, parent);
    if (pk >= key) break;
    put(h, i, pk, idAt(h, parent));
    i = parent;
  }
  put(h, i, key, id);
}

/**
 * Puts (key, id) at the root of a max-heap of `n` entries whose root is
 * free and sifts it down to its place.
 */
@inline function maxSiftDown(h: usize, n: i32, key: f32, id: i32): void {
  let i = 0;
  while (true) {
    let child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && keyAt(h, child + 1) > keyAt(h, child)) child++;
    const ck = keyAt(h, child);
    if (ck <= key) break;
    put(h, i, ck, idAt(h, child));
    i = child;
  }
  put(h, i, key, id);
}

/** Removes the top of a max-heap of `size` entries. */
export function maxPop(h: usize, size: i32): void {
  const n = size - 1;
  maxSiftDown(h, n, keyAt(h, n), idAt(h, n));
}

/**
 * Replaces the top of a max-heap of `size` ≥ 1 entries with (key, id), in
 * one sift-down where maxPush then maxPop take a sift-up and a sift-down.
 * For a key below the top both keep the same keys; of several entries tied
 * with the top, which one leaves depends on the heap's arrangement.
 * kernels/heap.ts MinHeap.replaceTop is the same on negated keys.
 */
export function maxReplaceTop(h: usize, size: i32, key: f32, id: i32): void {
  maxSiftDown(h, size, key, id);
}

/** Sorts a max-heap of `size` entries in place, ascending by key (heapsort). */
export function sortMaxHeap(h: usize, size: i32): void {
  for (let n = size; n > 1; n--) {
    const key = keyAt(h, 0);
    const id = idAt(h, 0);
    maxPop(h, n);
    put(h, n - 1, key, id);
  }
}
