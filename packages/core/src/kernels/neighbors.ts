import type { MaxHeap } from './heap.js';

/** One search result inside a single index: internal row offset and distance. */
export interface Neighbor {
  /** Internal offset of the vector in its index (insertion order, from 0). */
  row: number;
  /** Distance as defined by the metric (see `Metric`); lower is closer. */
  distance: number;
}

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
