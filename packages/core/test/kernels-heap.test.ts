import { describe, expect, it } from 'vitest';
import { MaxHeap, MinHeap } from '../src/kernels/heap.js';
import { seededRandom } from './helpers/tmp.js';

/** Every (distance, id) of a max-heap, largest first, emptying it. */
function drain(heap: MaxHeap): string[] {
  const out: string[] = [];
  while (heap.size > 0) {
    out.push(`${heap.topDistance()}:${heap.topId()}`);
    heap.pop();
  }
  return out;
}

describe('MaxHeap.replaceTop', () => {
  it('keeps the distances push then pop keeps, on seeded streams with ties', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rand = seededRandom(seed);
      const ef = 1 + Math.floor(rand() * 40);
      const replaced = new MaxHeap(4);
      const pushedPopped = new MaxHeap(4);
      for (let i = 0; i < 500; i++) {
        // Few distinct distances, so many entries tie with the top.
        const distance = Math.floor(rand() * 30) / 4;
        if (replaced.size < ef) {
          replaced.push(distance, i);
          pushedPopped.push(distance, i);
        } else if (distance < replaced.topDistance()) {
          replaced.replaceTop(distance, i);
          pushedPopped.push(distance, i);
          pushedPopped.pop();
        }
        expect(replaced.topDistance(), `seed ${seed}, step ${i}`).toBe(pushedPopped.topDistance());
      }
      // The same distances; among entries tied with the top, which one leaves depends on the heap's arrangement.
      const distances = (heap: MaxHeap) => drain(heap).map((e) => Number(e.split(':')[0]));
      expect(distances(replaced), `seed ${seed}`).toEqual(distances(pushedPopped));
    }
  });

  it('leaves a valid heap: draining gives distances in descending order', () => {
    const rand = seededRandom(7);
    const heap = new MaxHeap();
    for (let i = 0; i < 16; i++) heap.push(rand(), i);
    for (let i = 16; i < 2000; i++) {
      const d = rand();
      if (d < heap.topDistance()) heap.replaceTop(d, i);
    }
    const distances = drain(heap).map((e) => Number(e.split(':')[0]));
    expect(distances).toEqual([...distances].sort((x, y) => y - x));
    expect(distances).toHaveLength(16);
  });

  it('on a MinHeap of one entry, replaces it', () => {
    const heap = new MinHeap(1);
    heap.push(3, 1);
    heap.replaceTop(5, 2);
    expect([heap.size, heap.topKey(), heap.topId()]).toEqual([1, 5, 2]);
  });
});
