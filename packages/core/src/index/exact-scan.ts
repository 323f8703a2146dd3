import { MaxHeap } from './heap.js';
import { drainSorted } from './neighbors.js';
import type { Neighbor } from './types.js';
import type { VectorRows } from './vector-rows.js';

/** Rows scored per kernel call; the distance buffer is this many float32. */
export const SCAN_CHUNK_ROWS = 1024;

/** Scratch bytes {@link exactScan} needs at `scratch`. */
export const EXACT_SCAN_SCRATCH_BYTES = SCAN_CHUNK_ROWS * 4;

/**
 * Exact k nearest rows to `query` among those `accept` admits (all when
 * undefined), ascending by distance then row. Distances come from the SIMD
 * scan kernel in chunks of {@link SCAN_CHUNK_ROWS}; `accept` is only asked
 * about rows that would enter the current top k, so a costly filter runs
 * O(k log n) times on typical data rather than once per row.
 *
 * `scratch`: byte offset of {@link EXACT_SCAN_SCRATCH_BYTES} free bytes in
 * the rows' memory.
 */
export function exactScan(
  rows: VectorRows,
  scratch: number,
  query: Float32Array,
  k: number,
  accept?: (row: number) => boolean,
): Neighbor[] {
  k = Math.min(Math.floor(k), rows.size);
  if (!(k >= 1)) return [];
  const top = new MaxHeap(k + 1);
  rows.setQuery(query);
  const total = rows.size;
  for (let first = 0; first < total; first += SCAN_CHUNK_ROWS) {
    const count = Math.min(SCAN_CHUNK_ROWS, total - first);
    rows.scan(first, count, scratch);
    const f32 = rows.memory.f32;
    const base = scratch >> 2;
    for (let i = 0; i < count; i++) {
      const d = f32[base + i];
      // Rows arrive in ascending order, so an equal distance never displaces.
      if (top.size === k && !(d < top.topDistance())) continue;
      const row = first + i;
      if (accept !== undefined && !accept(row)) continue;
      if (top.size === k) top.pop();
      top.push(d, row);
    }
  }
  return drainSorted(top);
}
