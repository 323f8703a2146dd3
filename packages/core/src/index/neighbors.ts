import type { MaxHeap } from './heap.js';
import type { Neighbor } from './types.js';

/**
 * Empties a result heap into neighbours ascending by distance, ties by row,
 * so equal inputs always give the same order.
 */
export function drainSorted(heap: MaxHeap): Neighbor[] {
  const out: Neighbor[] = new Array<Neighbor>(heap.size);
  for (let i = heap.size - 1; i >= 0; i--) {
    out[i] = { row: heap.topId(), distance: heap.topDistance() };
    heap.pop();
  }
  out.sort((a, b) => a.distance - b.distance || a.row - b.row);
  return out;
}
