import { AscendingRows } from '../exact/ascending-rows.js';
import { MaxHeap } from '../../kernels/heap.js';
import { BATCH_ROWS, type QuantizedArena } from './quantized-arena.js';

/**
 * The `count` rows of `size` nearest by the codes among those `accept`
 * admits (all when undefined), by brute force over every code; ascending by
 * row: what a quantized index rescores when its walk cannot answer (a filter
 * rejecting most of the graph). `accept` is asked only about rows that would
 * enter the current best, or, when `ordered`, in ascending distance order
 * until `count` pass (for a costly filter; see exact-scan.ts). Expects
 * `arena.setQuery` first.
 */
export function nearestByCodes(arena: QuantizedArena, size: number, count: number, accept?: (row: number) => boolean, ordered = false): Int32Array {
  const results = new MaxHeap(count + 1);
  const outAt = arena.outAt >> 2;
  const distances = accept !== undefined && ordered ? new Float32Array(size) : null;
  for (let first = 0; first < size; first += BATCH_ROWS) {
    const n = Math.min(BATCH_ROWS, size - first);
    arena.scanCodes(first, n);
    const f32 = arena.memory.f32;
    if (distances !== null) {
      distances.set(f32.subarray(outAt, outAt + n), first);
      continue;
    }
    for (let i = 0; i < n; i++) {
      const d = f32[outAt + i];
      if (results.size === count && !(d < results.topDistance())) continue;
      if (accept !== undefined && !accept(first + i)) continue;
      if (results.size === count) results.pop();
      results.push(d, first + i);
    }
  }
  if (distances !== null) {
    const order = new AscendingRows(distances, size);
    for (let row = order.next(); row >= 0 && results.size < count; row = order.next()) {
      if (accept!(row)) results.push(distances[row], row);
    }
  }
  const rows = new Int32Array(results.size);
  for (let i = 0; results.size > 0; i++) {
    rows[i] = results.topId();
    results.pop();
  }
  return rows.sort();
}
