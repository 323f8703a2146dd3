import { AscendingRows } from '../exact/ascending-rows.js';
import { MaxHeap } from '../../kernels/heap.js';
import { drainSorted } from '../../kernels/neighbors.js';
import type { QuantizedArena } from './quantized-arena.js';
import type { OriginalVectors } from '../../storage/original-vectors.js';
import type { Neighbor } from '../../storage/vector-index.js';

/**
 * Float32 passes over a quantized segment's original vectors, through the
 * arena's row buffer and the float scan kernel (so distances equal
 * `FlatIndex`'s bit for bit): rescoring candidates, and exact search.
 * Both expect `arena.setQuery` to have been called for the query.
 */

/**
 * The top k of {@link rescore}, reused (it is synchronous, and drained
 * before it returns): a heap's keys are a Float64Array, whose store past
 * 8 entries is allocated outside V8's heap, at a cost per query (see
 * Sq8Quantizer's `scaled`).
 */
const rescoreTop = new MaxHeap(64);

/**
 * The `k` rows of `rows` nearest by exact float32 distance, ascending by
 * distance then row. `rows` must be ascending by row: scoring in row order
 * makes ties resolve as an exact scan resolves them (an equal distance never
 * displaces an earlier row), and reads the originals front to back. The
 * candidates' rows are warmed first where the originals can
 * (OriginalVectors.warm): an sq8 query on generated-100k at ef 24 and 32
 * cost 0.90–0.94× the CPU without (same process, alternating, medians of
 * 11–15 passes; results identical).
 */
export function rescore(arena: QuantizedArena, originals: OriginalVectors, rows: Int32Array, k: number): Neighbor[] {
  k = Math.min(k, rows.length);
  if (!(k >= 1)) return [];
  const top = rescoreTop;
  top.clear();
  const capacity = arena.rowCapacity;
  for (let first = 0; first < rows.length; first += capacity) {
    const count = Math.min(capacity, rows.length - first);
    originals.warm?.(rows, first, count);
    for (let i = 0; i < count; i++) originals.read(rows[first + i], arena.rowSlot(i));
    arena.scoreRows(rows, first, count);
    offer(top, k, arena, count, (i) => rows[first + i]);
  }
  return drainSorted(top);
}

/**
 * The exact `k` nearest of all `size` rows that `accept` admits (all when
 * undefined), ascending by distance then row, by brute force over the
 * originals as `exactScan` does over resident rows: `accept` is asked only
 * about rows that would enter the current top k, or, when `ordered`, in
 * ascending distance order until k pass (for a costly filter; see
 * exact-scan.ts).
 */
export function exactOverOriginals(
  arena: QuantizedArena,
  originals: OriginalVectors,
  size: number,
  k: number,
  accept?: (row: number) => boolean,
  ordered = false,
): Neighbor[] {
  k = Math.min(k, size);
  if (!(k >= 1)) return [];
  const top = new MaxHeap(k + 1);
  const distances = accept !== undefined && ordered ? new Float32Array(size) : null;
  const capacity = arena.rowCapacity;
  for (let first = 0; first < size; first += capacity) {
    const count = Math.min(capacity, size - first);
    if (originals.readRange !== undefined) {
      originals.readRange(first, count, arena.rowSlots(count));
    } else {
      for (let i = 0; i < count; i++) originals.read(first + i, arena.rowSlot(i));
    }
    arena.scoreRows(null, first, count);
    if (distances !== null) distances.set(arena.memory.f32.subarray(arena.outAt >> 2, (arena.outAt >> 2) + count), first);
    else offer(top, k, arena, count, (i) => first + i, accept);
  }
  if (distances === null) return drainSorted(top);
  const order = new AscendingRows(distances, size);
  const out: Neighbor[] = [];
  for (let row = order.next(); row >= 0 && out.length < k; row = order.next()) {
    if (accept!(row)) out.push({ row, distance: distances[row] });
  }
  return out;
}

/** Offers the `count` scores at `arena.outAt` (row of score i: `rowOf(i)`) to a top-k heap. */
function offer(
  top: MaxHeap,
  k: number,
  arena: QuantizedArena,
  count: number,
  rowOf: (i: number) => number,
  accept?: (row: number) => boolean,
): void {
  const f32 = arena.memory.f32;
  const at = arena.outAt >> 2;
  for (let i = 0; i < count; i++) {
    const d = f32[at + i];
    if (top.size === k && !(d < top.topDistance())) continue;
    const row = rowOf(i);
    if (accept !== undefined && !accept(row)) continue;
    if (top.size === k) top.pop();
    top.push(d, row);
  }
}
