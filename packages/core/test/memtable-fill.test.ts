import { describe, expect, it } from 'vitest';
import { AdaptiveIndex } from '../src/ann/adaptive-index.js';
import { Memtable } from '../src/storage/memtable.js';
import { seededRandom } from './helpers/tmp.js';

const DIM = 32;
const BATCH = 100;
const LIMIT = 4 << 20;

/** `n` seeded vectors around 16 centres (clustered, as real embeddings are). */
function clustered(n: number, seed: number): Float32Array[] {
  const rand = seededRandom(seed);
  const centres = Array.from({ length: 16 }, () => Float32Array.from({ length: DIM }, () => rand() * 2 - 1));
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(rand() * centres.length)];
    return Float32Array.from(c, (x) => x + (rand() - 0.5) * 0.2);
  });
}

function bytesOf(memtable: Memtable): number {
  const m = memtable.memoryBytes();
  return m.vectors + m.graph + m.content + m.fullText + m.sparse;
}

/**
 * Appends batches as the store does (checking `full` after each) until the
 * memtable asks to be sealed; returns its rows then and the most bytes it held.
 */
function fill(limitBytes: number, seed: number): { rows: number; bytesAtSeal: number; peak: number } {
  const memtable = new Memtable(new AdaptiveIndex(DIM, 'l2', { M: 8, efConstruction: 32 }, 256));
  memtable.limitBytes = limitBytes;
  const vectors = clustered(40_000, seed);
  let peak = 0;
  try {
    for (let i = 0; i < vectors.length; i += BATCH) {
      for (let j = i; j < i + BATCH; j++) memtable.append(`id-${j}`, vectors[j], null, null);
      peak = Math.max(peak, bytesOf(memtable));
      if (memtable.full(LIMIT, BATCH)) return { rows: memtable.rows, bytesAtSeal: bytesOf(memtable), peak };
    }
    throw new Error(`seed ${seed}: ${vectors.length} rows did not fill a ${limitBytes}-byte memtable`);
  } finally {
    memtable.index.dispose();
  }
}

describe('memtable fill under memtableLimitBytes', () => {
  const seed = 17;

  it('fills to ≥ 90 % of its limit before it asks to be sealed, never holding more than the limit', () => {
    const capped = fill(LIMIT, seed);
    expect(capped.peak, `seed ${seed}`).toBeLessThanOrEqual(LIMIT);
    expect(capped.bytesAtSeal, `seed ${seed}`).toBeGreaterThanOrEqual(0.9 * LIMIT);
    // Rows: without the cap the index grows 1.5× at a time and the memtable reaches the limit with
    // up to a third of its rows' memory unused; the capped one must hold ≥ 90 % of the rows that fit.
    const bytesPerRow = capped.bytesAtSeal / capped.rows;
    expect(capped.rows, `seed ${seed}`).toBeGreaterThanOrEqual((0.9 * LIMIT) / bytesPerRow);
  });

  it('holds more rows at its seal than a memtable whose index grows uncapped', () => {
    const capped = fill(LIMIT, seed);
    const uncapped = fill(Infinity, seed);
    expect(uncapped.peak, `seed ${seed}`).toBeGreaterThanOrEqual(LIMIT);
    expect(capped.rows, `seed ${seed}`).toBeGreaterThan(uncapped.rows);
  });
});
