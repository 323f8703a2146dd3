/**
 * `readVector(row, out)` writes what `vector(row)` returns, bit for bit, for
 * every index a segment or memtable can hold (a merge gathers rows with it),
 * and rejects rows outside the index.
 */
import { describe, expect, it } from 'vitest';
import { AdaptiveIndex } from '../src/ann/adaptive-index.js';
import { FlatIndex } from '../src/ann/exact/flat.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { buildQuantizedSegment } from '../src/ann/quantized/quantized-build.js';
import { QuantizedHnswIndex } from '../src/ann/quantized/quantized-index.js';
import { RowIndex } from '../src/ann/row-index.js';
import { originalsFromFloat32 } from '../src/storage/original-vectors.js';
import type { VectorIndex } from '../src/storage/vector-index.js';
import { clusteredRows } from './helpers/clustered-rows.js';

const SEED = 4417;
const DIM = 24;
const ROWS = 600;


function expectSameRows(index: VectorIndex, base: Float32Array): void {
  const out = new Float32Array(DIM);
  for (let r = 0; r < index.size; r++) {
    out.fill(Number.NaN);
    index.readVector(r, out);
    expect(out, `seed ${SEED}, row ${r}`).toEqual(index.vector(r));
    expect(out, `seed ${SEED}, row ${r}`).toEqual(base.subarray(r * DIM, (r + 1) * DIM));
  }
  expect(() => index.readVector(index.size, out)).toThrow(RangeError);
  expect(() => index.readVector(-1, out)).toThrow(RangeError);
}

describe('readVector', () => {
  const base = clusteredRows(ROWS, DIM, SEED, 6);
  const add = <T extends VectorIndex>(index: T): T => {
    for (let r = 0; r < ROWS; r++) index.add(base.subarray(r * DIM, (r + 1) * DIM));
    return index;
  };

  it('matches vector(row) for the flat and HNSW indexes (cosine keeps the rows as given)', () => {
    for (const metric of ['l2', 'cosine'] as const) {
      const flat = add(new FlatIndex(DIM, metric));
      expectSameRows(flat, base);
      flat.dispose();
      const hnsw = add(new HnswIndex(DIM, metric, { M: 8, efConstruction: 32, seed: SEED }));
      expectSameRows(hnsw, base);
      hnsw.dispose();
    }
  });

  it('matches vector(row) for a memtable index while exact, promoting and promoted', () => {
    const index = new AdaptiveIndex(DIM, 'l2', { M: 8, efConstruction: 32, seed: SEED }, 100);
    for (let r = 0; r < ROWS; r++) {
      index.add(base.subarray(r * DIM, (r + 1) * DIM));
      if (r === 50 || r === 120 || r === ROWS - 1) expectSameRows(index, base);
    }
    index.dispose();
  });

  it('matches vector(row) for a quantized segment index (read from its originals)', () => {
    const float = add(new HnswIndex(DIM, 'l2', { M: 8, efConstruction: 32, seed: SEED }));
    const graph = float.serializeGraph();
    const built = buildQuantizedSegment('sq8', base, DIM, 'l2', graph);
    const source = { file: 'segments/1/segment.bin', offset: 0 };
    const index = QuantizedHnswIndex.open({
      dimension: DIM,
      metric: 'l2',
      quantizer: built.quantizer,
      codes: built.codes,
      graph,
      originals: originalsFromFloat32(base, DIM),
      source,
      codesSource: source,
    });
    expectSameRows(index, base);
    index.dispose();
    float.dispose();
  });

  it('writes nothing for rows without vectors', () => {
    const index: VectorIndex = new RowIndex('l2', 3);
    const out = new Float32Array(0);
    index.readVector(1, out);
    expect(out.length).toBe(0);
  });
});
