/**
 * A quantized segment's rescoring warms the original rows it is about to
 * read (OriginalVectors.warm: a load per 64-byte line, so the misses of
 * scattered rows overlap). It only moves loads earlier: a search answers
 * the same rows and distances with it as without, from originals held as
 * float32 rows or as bytes at an odd offset (a mapped section), and warm
 * is asked about exactly the candidates rescoring reads.
 */
import { describe, expect, it } from 'vitest';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { buildQuantizedSegment } from '../src/ann/quantized/quantized-build.js';
import { QuantizedHnswIndex } from '../src/ann/quantized/quantized-index.js';
import { originalsFromBytes, originalsFromFloat32, type OriginalVectors } from '../src/storage/original-vectors.js';
import type { Neighbor } from '../src/storage/vector-index.js';
import { clusteredRows } from './helpers/clustered-rows.js';

const SEED = 9127;
// 100-byte rows: they end mid-line, and a row's lines straddle its neighbours'.
const DIM = 25;
const ROWS = 800;
const K = 10;


/** `originals` without its warm, the rows each warm call named recorded in `warmedRows`. */
function spied(originals: OriginalVectors, warmedRows: number[] | null): OriginalVectors {
  const { rows, read, readRange } = originals;
  if (warmedRows === null) return { rows, read, readRange };
  return {
    rows,
    read,
    readRange,
    warm(list, from, count) {
      warmedRows.push(...list.subarray(from, from + count));
      originals.warm!(list, from, count);
    },
  };
}

describe('rescoring with warmed originals', () => {
  // Queries from the same clusters as the rows: the last 40 drawn.
  const drawn = clusteredRows(ROWS + 40, DIM, SEED, 8);
  const base = drawn.subarray(0, ROWS * DIM);
  const queries = drawn.subarray(ROWS * DIM);
  const float = new HnswIndex(DIM, 'l2', { M: 8, efConstruction: 48, seed: SEED });
  for (let r = 0; r < ROWS; r++) float.add(base.subarray(r * DIM, (r + 1) * DIM));
  const graph = float.serializeGraph();
  const built = buildQuantizedSegment('sq8', base, DIM, 'l2', graph);
  float.dispose();
  // The same rows as bytes starting at an odd offset, as a mapped section may.
  const bytes = new Uint8Array(base.byteLength + 3).subarray(3);
  bytes.set(new Uint8Array(base.buffer, base.byteOffset, base.byteLength));

  function answers(originals: OriginalVectors): Neighbor[][] {
    const source = { file: 'segments/1/segment.bin', offset: 0 };
    const index = QuantizedHnswIndex.open({ dimension: DIM, metric: 'l2', quantizer: built.quantizer, codes: built.codes, graph, originals, source, codesSource: source });
    const out = Array.from({ length: queries.length / DIM }, (_, q) => index.search(queries.subarray(q * DIM, (q + 1) * DIM), K, { efSearch: 32 }));
    index.dispose();
    return out;
  }

  it.each([
    { name: 'float32 rows', originals: originalsFromFloat32(base, DIM) },
    { name: 'bytes at an odd offset', originals: originalsFromBytes(bytes, DIM) },
  ])('$name: same rows and distances, and only the rows read are warmed', ({ originals }) => {
    expect(originals.warm).toBeTypeOf('function');
    const warmedRows: number[] = [];
    const read: number[] = [];
    const warmed = answers({ ...spied(originals, warmedRows), read: (row, out) => (read.push(row), originals.read(row, out)) });
    const cold = answers(spied(originals, null));
    expect(warmed).toEqual(cold);
    expect(warmedRows.length).toBeGreaterThan(0);
    expect(warmedRows).toEqual(read);
  });
});
