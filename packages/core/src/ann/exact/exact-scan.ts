import { AscendingRows } from './ascending-rows.js';
import { MaxHeap } from '../../kernels/heap.js';
import { drainSorted } from '../../kernels/neighbors.js';
import type { Neighbor } from '../../storage/vector-index.js';
import type { VectorRows } from '../vector-rows.js';

/** Rows scored per kernel call; the distance buffer is this many float32. */
export const SCAN_CHUNK_ROWS = 1024;

/** Scratch bytes {@link exactScan} needs at `scratch`. */
export const EXACT_SCAN_SCRATCH_BYTES = SCAN_CHUNK_ROWS * 4;

/**
 * Exact k nearest rows to `query` among those `accept` admits (all when
 * undefined), ascending by distance then row. Distances come from the SIMD
 * scan kernel in chunks of {@link SCAN_CHUNK_ROWS}.
 *
 * In storage order (the default), `accept` is only asked about rows that
 * would enter the current top k: about (k / s)·ln(n·s / k) questions at
 * selectivity s, i.e. nearly every row when few pass. With `ordered`, all
 * distances are computed first and rows are asked about in ascending
 * distance order until k pass: about k / s questions, for the price of a
 * float32 and an int32 per row and a heap; the choice for a costly filter
 * (a metadata decode per question).
 *
 * `scratch`: byte offset of {@link EXACT_SCAN_SCRATCH_BYTES} free bytes in
 * the rows' memory. `from`: only rows from this one on are scanned (in
 * storage order; an ordered scan needs `from` = 0).
 */
export function exactScan(
  rows: VectorRows,
  scratch: number,
  query: Float32Array,
  k: number,
  accept?: (row: number) => boolean,
  ordered = false,
  from = 0,
): Neighbor[] {
  k = Math.min(Math.floor(k), rows.size - from);
  if (!(k >= 1)) return [];
  if (accept !== undefined && ordered) {
    if (from !== 0) throw new RangeError('an ordered exact scan covers every row');
    return orderedScan(rows, scratch, query, k, accept);
  }
  const top = new MaxHeap(k + 1);
  rows.setQuery(query);
  const total = rows.size;
  for (let first = from; first < total; first += SCAN_CHUNK_ROWS) {
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

/**
 * Pops in distance order asked before a distance-ordered scan gives up on
 * ordering: past this share of the rows few pass, nearly every row will be
 * asked anyway, and a pop (≈ 230 ns at 10k rows) costs half a question more.
 */
export const ORDERED_SHARE = 1 / 8;

/**
 * {@link exactScan} asking `accept` in ascending distance order (ties by
 * row). After {@link ORDERED_SHARE} of the rows without k accepted, the rows
 * not yet asked are finished in storage order, which keeps the same result:
 * every one of them is at least as far as every row popped.
 */
function orderedScan(rows: VectorRows, scratch: number, query: Float32Array, k: number, accept: (row: number) => boolean): Neighbor[] {
  const total = rows.size;
  const distances = new Float32Array(total);
  rows.setQuery(query);
  for (let first = 0; first < total; first += SCAN_CHUNK_ROWS) {
    const count = Math.min(SCAN_CHUNK_ROWS, total - first);
    rows.scan(first, count, scratch);
    distances.set(rows.memory.f32.subarray(scratch >> 2, (scratch >> 2) + count), first);
  }
  const order = new AscendingRows(distances, total);
  const out: Neighbor[] = [];
  const budget = Math.max(k, Math.ceil(total * ORDERED_SHARE));
  const popped = new Uint8Array(total);
  for (let n = 0; n < budget; n++) {
    const row = order.next();
    if (row < 0) return out;
    popped[row] = 1;
    if (!accept(row)) continue;
    out.push({ row, distance: distances[row] });
    if (out.length === k) return out;
  }
  const want = k - out.length;
  const top = new MaxHeap(want + 1);
  for (let row = 0; row < total; row++) {
    if (popped[row] === 1) continue;
    const d = distances[row];
    if (top.size === want && !(d < top.topDistance())) continue;
    if (!accept(row)) continue;
    if (top.size === want) top.pop();
    top.push(d, row);
  }
  return out.concat(drainSorted(top));
}
