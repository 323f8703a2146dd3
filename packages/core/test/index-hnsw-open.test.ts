import { describe, expect, it } from 'vitest';
import { FlatIndex } from '../src/ann/exact/flat.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import type { Metric } from '../src/types.js';
import { randomVectors } from './helpers/tmp.js';

const SOURCE = { file: 'segments/1/segment.bin', offset: 128 };

/** `vectors` as little-endian bytes starting at an odd offset of a larger buffer, as a file section may. */
function unalignedBytes(vectors: Float32Array): Uint8Array {
  const buffer = new Uint8Array(vectors.byteLength + 3);
  buffer.set(new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength), 3);
  return buffer.subarray(3);
}

describe.each<Metric>(['l2', 'cosine', 'ip'])('opening from vector bytes (%s, seed 5)', (metric) => {
  const dim = 12;
  const built = new HnswIndex(dim, metric, { M: 8, efConstruction: 40, seed: 5 });
  for (const v of randomVectors(1500, dim, 5)) built.add(Float32Array.from(v));
  const queries = randomVectors(30, dim, 6).map((q) => Float32Array.from(q));
  const graph = built.serializeGraph();

  it('an unaligned byte section opens to the index a Float32Array opens to, and to the built one', () => {
    const fromFloats = HnswIndex.open({ dimension: dim, metric }, built.vectors().slice(), graph, SOURCE);
    const fromBytes = HnswIndex.open({ dimension: dim, metric }, unalignedBytes(built.vectors()), graph, SOURCE);
    expect(fromBytes.serializeGraph()).toEqual(graph);
    for (const q of queries) {
      const expected = built.search(q, 10, { efSearch: 16 });
      expect(fromFloats.search(q, 10, { efSearch: 16 })).toEqual(expected);
      expect(fromBytes.search(q, 10, { efSearch: 16 })).toEqual(expected);
    }
    for (const row of [0, 777, 1499]) expect(fromBytes.vector(row)).toEqual(built.vector(row));
  });

  it('a flat index opened from bytes answers like one built by add', () => {
    const added = new FlatIndex(dim, metric);
    for (let row = 0; row < built.size; row++) added.add(built.vector(row));
    const fromBytes = FlatIndex.fromVectors(dim, metric, unalignedBytes(built.vectors()));
    for (const q of queries) expect(fromBytes.search(q, 10)).toEqual(added.search(q, 10));
  });

  it('rejects vector bytes that are not whole rows', () => {
    expect(() => HnswIndex.open({ dimension: dim, metric }, unalignedBytes(built.vectors()).subarray(4), graph, SOURCE)).toThrow(/whole 12-d/);
  });
});
