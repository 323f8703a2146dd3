import { describe, expect, it, vi } from 'vitest';
import { CorruptionError } from '../src/errors.js';
import { HnswIndex } from '../src/ann/hnsw/hnsw.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';
import type { Metric } from '../src/types.js';
import { hasDataset, loadDataset } from './helpers/datasets.js';

const SOURCE = { file: 'segments/7/graph', offset: 4096 };

/** The tiny graph of docs/format/graph.md's golden test. */
function tinyIndex(): HnswIndex {
  const index = new HnswIndex(2, 'l2', { M: 2, efConstruction: 4, seed: 1 });
  for (const v of [[0, 0], [1, 0], [0, 1], [1, 1], [2, 2]]) index.add(new Float32Array(v));
  return index;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function openTiny(graph: Uint8Array, metric: Metric = 'l2', vectors = tinyIndex().vectors().slice()): HnswIndex {
  return HnswIndex.open({ dimension: 2, metric, params: { M: 2 } }, vectors, graph, SOURCE);
}

function corruptionAt(action: () => unknown): number {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CorruptionError);
    const corruption = error as CorruptionError;
    expect(corruption.file).toBe(SOURCE.file);
    return corruption.offset - SOURCE.offset;
  }
  throw new Error('expected a CorruptionError');
}

describe('HNSW graph format (docs/format/graph.md)', () => {
  it('pins the byte layout of a tiny graph', () => {
    const bytes = tinyIndex().serializeGraph();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('OMHG');
    expect(view.getUint16(4, true)).toBe(1); // version
    expect(bytes[6]).toBe(0); // metric l2
    expect(view.getUint32(8, true)).toBe(2); // dimension
    expect(view.getUint32(12, true)).toBe(5); // count
    expect(view.getUint32(16, true)).toBe(2); // M
    expect(view.getUint32(20, true)).toBe(4); // maxDegree0
    expect(view.getUint32(24, true)).toBe(4); // efConstruction
    expect(view.getUint32(28, true)).toBe(1); // seed
    expect(view.getUint32(44, true)).toBe(bytes.length - 48 - 8); // linksBytes
    expect(hex(bytes)).toBe(
      '4f4d4847010000000200000005000000020000000400000004000000' +
        '01000000ca61d92103000000050000009800000001000105040000000200000001000000' +
        '020000000100000002000000020000000000000003000000020000000000000003000000' +
        '020000000000000003000000030000000200000001000000040000000200000002000000' +
        '040000000100000004000000010000000400000001000000040000000000000001000000' +
        '0300000001000000030000000100000003000000010000000300000001000000' +
        '03000000',
    );
  });

  it('round-trips an empty graph', () => {
    const empty = new HnswIndex(4, 'cosine', { seed: 3 });
    const bytes = empty.serializeGraph();
    expect(bytes.length).toBe(48);
    const opened = HnswIndex.open({ dimension: 4, metric: 'cosine' }, new Float32Array(0), bytes, SOURCE);
    expect(opened.size).toBe(0);
    expect(opened.search(new Float32Array(4), 3)).toEqual([]);
    opened.add(new Float32Array([1, 0, 0, 0]));
    expect(opened.search(new Float32Array([1, 0, 0, 0]), 3)).toEqual([{ row: 0, distance: 0 }]);
  });

  it.skipIf(!hasDataset('glove25'))('serialize → open gives identical results and bytes, without re-inserting', () => {
    const data = loadDataset('glove25', 'cosine');
    const built = new HnswIndex(data.dim, 'cosine', { seed: 5 });
    for (let row = 0; row < data.base.count; row++) built.add(data.base.data.subarray(row * data.dim, (row + 1) * data.dim));
    const graph = built.serializeGraph();
    const inserts = vi.spyOn(HnswIndex.prototype, 'add');
    const opened = HnswIndex.open({ dimension: data.dim, metric: 'cosine', params: { efSearch: 64 } }, built.vectors().slice(), graph, SOURCE);
    // Opening copies the links; it inserts nothing.
    expect(inserts).not.toHaveBeenCalled();
    inserts.mockRestore();
    expect(hex(opened.serializeGraph())).toBe(hex(graph));
    for (let q = 0; q < data.queries.count; q++) {
      const query = data.queries.data.subarray(q * data.dim, (q + 1) * data.dim);
      expect(opened.search(query, 10)).toEqual(built.search(query, 10));
    }
    for (const row of [0, 1, 5000, data.base.count - 1]) {
      expect(new Uint32Array(opened.vector(row).buffer)).toEqual(new Uint32Array(built.vector(row).buffer));
    }
  });

  it('continues the level sequence after open: open + add equals one build', () => {
    const random = new SeededRandom(9);
    const rows = Array.from({ length: 600 }, () => Float32Array.from({ length: 8 }, () => random.next()));
    const whole = new HnswIndex(8, 'ip', { seed: 11, M: 6, efConstruction: 20 });
    rows.forEach((v) => whole.add(v));
    const half = new HnswIndex(8, 'ip', { seed: 11, M: 6, efConstruction: 20 });
    rows.slice(0, 300).forEach((v) => half.add(v));
    const reopened = HnswIndex.open({ dimension: 8, metric: 'ip' }, half.vectors().slice(), half.serializeGraph(), SOURCE);
    rows.slice(300).forEach((v) => reopened.add(v));
    expect(hex(reopened.serializeGraph())).toBe(hex(whole.serializeGraph()));
  });

  it('throws CorruptionError at the offending field', () => {
    const good = tinyIndex().serializeGraph();
    const mutate = (at: number, value: number, width: 1 | 2 | 4 = 4): Uint8Array => {
      const bytes = good.slice();
      const view = new DataView(bytes.buffer);
      if (width === 1) view.setUint8(at, value);
      else if (width === 2) view.setUint16(at, value, true);
      else view.setUint32(at, value, true);
      return bytes;
    };
    expect(corruptionAt(() => openTiny(mutate(0, 0x58)))).toBe(0); // magic
    expect(corruptionAt(() => openTiny(mutate(4, 2, 2)))).toBe(4); // version
    expect(corruptionAt(() => openTiny(good, 'cosine'))).toBe(6); // metric
    expect(corruptionAt(() => openTiny(mutate(8, 3)))).toBe(8); // dimension
    expect(corruptionAt(() => openTiny(mutate(12, 6)))).toBe(12); // count vs rows
    expect(corruptionAt(() => openTiny(mutate(16, 3)))).toBe(16); // M vs params
    expect(corruptionAt(() => openTiny(mutate(20, 5)))).toBe(20); // maxDegree0
    expect(corruptionAt(() => openTiny(mutate(36, 5)))).toBe(36); // entry point out of range
    expect(corruptionAt(() => openTiny(mutate(36, 0)))).toBe(48); // entry point below maxLevel
    expect(corruptionAt(() => openTiny(mutate(40, 40)))).toBe(40); // maxLevel > 31
    expect(corruptionAt(() => openTiny(mutate(44, 156)))).toBe(good.length); // linksBytes vs length
    expect(corruptionAt(() => openTiny(mutate(48, 7, 1)))).toBe(48); // level > maxLevel
    expect(corruptionAt(() => openTiny(mutate(55, 1, 1)))).toBe(55); // padding
    expect(corruptionAt(() => openTiny(mutate(56, 9)))).toBe(56); // degree > 2·M
    expect(corruptionAt(() => openTiny(mutate(60, 5)))).toBe(60); // neighbour ≥ count
    expect(corruptionAt(() => openTiny(mutate(60, 0)))).toBe(60); // self link
    // Node 0's level-1 list (at 68) naming node 1, which has level 0 only.
    expect(corruptionAt(() => openTiny(mutate(72, 1)))).toBe(72);
  });

  it('throws CorruptionError for every truncation and for trailing bytes', () => {
    const good = tinyIndex().serializeGraph();
    for (let length = 0; length < good.length; length++) {
      expect(corruptionAt(() => openTiny(good.subarray(0, length)))).toBeLessThanOrEqual(length);
    }
    const longer = new Uint8Array(good.length + 4);
    longer.set(good);
    corruptionAt(() => openTiny(longer));
  });

  it('never fails other than with CorruptionError on random bit flips', () => {
    const random = new SeededRandom(2024);
    const good = tinyIndex().serializeGraph();
    let rejected = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const bytes = good.slice();
      for (let flips = 1 + Math.floor(random.next() * 3); flips > 0; flips--) {
        bytes[Math.floor(random.next() * bytes.length)] ^= 1 << Math.floor(random.next() * 8);
      }
      let opened: HnswIndex;
      try {
        opened = openTiny(bytes);
      } catch (error) {
        expect(error, `trial ${trial}, seed 2024`).toBeInstanceOf(CorruptionError);
        rejected++;
        continue;
      }
      // Structurally valid (a neighbour swapped for another valid one, a seed
      // changed): the segment's crc32 catches these; search must still work.
      expect(opened.search(new Float32Array([0.5, 0.5]), 3).length).toBe(3);
    }
    expect(rejected).toBeGreaterThan(1000);
  });
});
