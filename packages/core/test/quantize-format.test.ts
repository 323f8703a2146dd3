import { describe, expect, it } from 'vitest';
import { CorruptionError } from '../src/errors.js';
import { crc32 } from '../src/format/checksum.js';
import { BinaryQuantizer } from '../src/quantize/binary.js';
import { checkCodesSection } from '../src/format/codes.js';
import { PqQuantizer } from '../src/quantize/pq.js';
import type { Quantizer } from '../src/quantize/quantizer.js';
import { Sq8Quantizer } from '../src/quantize/sq8.js';
import { loadQuantizer, trainQuantizer } from '../src/quantize/train.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';

const SOURCE = { file: 'segments/3/segment.bin', offset: 8192 };
const SEED = 20240917;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** The sq8 example of docs/format/quantization.md. */
function docSq8(): Sq8Quantizer {
  return new Sq8Quantizer(2, 'l2', new Float32Array([0.5, -1]), new Float32Array([0.25, 2]));
}

/** 2 subspaces of 2 values; centroid c of subspace j = ((j·256 + c)·2, … + 1). */
function tinyPq(): PqQuantizer {
  return new PqQuantizer(4, 'ip', 2, Float32Array.from({ length: 2 * 256 * 2 }, (_, i) => i));
}

/** Offset (relative to the section) of the CorruptionError `action` throws. */
function corruptionAt(action: () => unknown): number {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CorruptionError);
    expect((error as CorruptionError).file).toBe(SOURCE.file);
    return (error as CorruptionError).offset - SOURCE.offset;
  }
  throw new Error('expected a CorruptionError');
}

/** `bytes` with `edit` applied and the CRC-32 trailer recomputed, to reach the structural checks. */
function edited(bytes: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  edit(view);
  view.setUint32(copy.length - 4, crc32(copy.subarray(0, copy.length - 4)), true);
  return copy;
}

describe('quantization format (docs/format/quantization.md)', () => {
  it('pins the sq8 codebook and codes of the doc example', () => {
    const q = docSq8();
    expect(hex(q.serialize())).toBe('010100000200000002000000100000000000003f000080bf0000803e000000403e480dfb');
    expect(hex(q.encode(new Float32Array([0.75, 3, -100, -1, 0.5, 1000])))).toBe('01028100007f');
    expect(q.codeBytes).toBe(2);
  });

  it('pins a binary codebook and its bit order (least significant bit first, zero padding)', () => {
    const q = new BinaryQuantizer(10, 'cosine', new Float32Array(10), new Float32Array(10).fill(0.25));
    const bytes = q.serialize();
    expect(hex(bytes.subarray(0, 16))).toBe('020102000a0000000200000050000000');
    expect(hex(bytes.subarray(16, 56))).toBe('00'.repeat(40)); // means
    expect(hex(bytes.subarray(56, 96))).toBe('0000803e'.repeat(10)); // deviations 0.25
    expect(hex(bytes.subarray(96))).toBe('13f4ac7d');
    expect(bytes.length).toBe(20 + 80);
    // Dimensions 0, 2, 3, 8, 9 are above the mean.
    expect(hex(q.encode(new Float32Array([1, -1, 1, 1, -1, -1, -1, -1, 1, 1])))).toBe('0d03');
  });

  it('pins a pq codebook layout and its codes', () => {
    const q = tinyPq();
    const bytes = q.serialize();
    expect(bytes.length).toBe(20 + 12 + 4 * 256 * 4);
    expect(hex(bytes.subarray(0, 40))).toBe('0301010004000000020000000c100000020000000001000008000000000000000000803f00000040');
    expect(hex(bytes.subarray(bytes.length - 8))).toBe('00c07f444370a74c'); // last centroid value 1023, crc32
    // (2, 3) is centroid 1 of subspace 0; (1030, 1031) lies past the last centroid of subspace 1.
    expect(hex(q.encode(new Float32Array([2, 3, 1030, 1031, 0, 0, 2000, 2000])))).toBe('01ff00ff');
  });

  it('codes per vector: sq8 d bytes, binary d / 8, pq m', () => {
    const random = new SeededRandom(SEED);
    const dim = 64;
    const vectors = Float32Array.from({ length: 300 * dim }, () => random.next() - 0.5);
    const expectations: [Quantizer, number][] = [
      [trainQuantizer('sq8', vectors, dim, 'l2', SEED), dim],
      [trainQuantizer('binary', vectors, dim, 'l2', SEED), dim / 8],
      [trainQuantizer({ type: 'pq', subvectors: 16, bits: 8 }, vectors, dim, 'l2', SEED), 16],
    ];
    for (const [q, bytes] of expectations) {
      expect(q.codeBytes, q.kind).toBe(bytes);
      expect(q.encode(vectors).length, q.kind).toBe(300 * bytes);
    }
  });

  it('round-trips every kind through serialize and load with identical distances', () => {
    const random = new SeededRandom(SEED);
    const dim = 24;
    const vectors = Float32Array.from({ length: 400 * dim }, () => random.next() * 4 - 2);
    const query = vectors.slice(0, dim).map((v) => v + 0.1);
    for (const metric of ['l2', 'ip', 'cosine'] as const) {
      for (const spec of ['sq8', 'binary', { type: 'pq', subvectors: 6, bits: 8 }] as const) {
        const q = trainQuantizer(spec, vectors, dim, metric, SEED);
        const bytes = q.serialize();
        const loaded = loadQuantizer(bytes, SOURCE, { dimension: dim, metric });
        expect(hex(loaded.serialize())).toBe(hex(bytes));
        const codes = q.encode(vectors);
        expect(hex(loaded.encode(vectors))).toBe(hex(codes));
        const a = q.prepare(query);
        const b = loaded.prepare(query);
        for (let row = 0; row < 400; row += 7) expect(loaded.distance(b, codes, row)).toBe(q.distance(a, codes, row));
      }
    }
  });

  it('detects flipped bytes anywhere in a codebook', () => {
    for (const q of [docSq8(), tinyPq(), new BinaryQuantizer(10, 'l2', new Float32Array(10), new Float32Array(10))]) {
      const bytes = q.serialize();
      for (let at = 0; at < bytes.length; at += Math.max(1, Math.floor(bytes.length / 97))) {
        const flipped = bytes.slice();
        flipped[at] ^= 0x40;
        expect(() => loadQuantizer(flipped, SOURCE), `${q.kind} byte ${at}`).toThrow(CorruptionError);
      }
    }
  });

  it('reports the offset of the field that fails each check', () => {
    const sq8 = docSq8().serialize();
    expect(corruptionAt(() => loadQuantizer(sq8.subarray(0, 19), SOURCE))).toBe(0);
    expect(corruptionAt(() => loadQuantizer(sq8.subarray(0, sq8.length - 1), SOURCE))).toBe(12);
    const flipped = sq8.slice();
    flipped[20] ^= 1;
    expect(corruptionAt(() => loadQuantizer(flipped, SOURCE))).toBe(32); // the CRC trailer
    expect(corruptionAt(() => loadQuantizer(edited(sq8, (v) => v.setUint8(0, 4)), SOURCE))).toBe(0);
    expect(corruptionAt(() => loadQuantizer(edited(sq8, (v) => v.setUint8(1, 2)), SOURCE))).toBe(1);
    expect(corruptionAt(() => loadQuantizer(edited(sq8, (v) => v.setUint8(2, 3)), SOURCE))).toBe(2);
    expect(corruptionAt(() => loadQuantizer(edited(sq8, (v) => v.setUint8(3, 1)), SOURCE))).toBe(3);
    expect(corruptionAt(() => loadQuantizer(edited(sq8, (v) => v.setUint32(8, 3, true)), SOURCE))).toBe(8);
    expect(corruptionAt(() => loadQuantizer(edited(sq8, (v) => v.setFloat32(20, Number.NaN, true)), SOURCE))).toBe(20);
    expect(corruptionAt(() => loadQuantizer(edited(sq8, (v) => v.setFloat32(28, 0, true)), SOURCE))).toBe(28); // step 0
    expect(corruptionAt(() => loadQuantizer(sq8, SOURCE, { dimension: 3 }))).toBe(4);
    expect(corruptionAt(() => loadQuantizer(sq8, SOURCE, { metric: 'cosine' }))).toBe(2);
    const pq = tinyPq().serialize();
    expect(corruptionAt(() => loadQuantizer(edited(pq, (v) => v.setUint32(16, 3, true)), SOURCE))).toBe(16); // m ∤ d
    expect(corruptionAt(() => loadQuantizer(edited(pq, (v) => v.setUint32(20, 128, true)), SOURCE))).toBe(20); // ksub
    expect(corruptionAt(() => loadQuantizer(edited(pq, (v) => v.setUint8(24, 4)), SOURCE))).toBe(24); // bits
    expect(corruptionAt(() => loadQuantizer(edited(pq, (v) => v.setUint8(25, 1)), SOURCE))).toBe(25); // reserved
    const binary = new BinaryQuantizer(10, 'l2', new Float32Array(10), new Float32Array(10)).serialize();
    expect(corruptionAt(() => loadQuantizer(edited(binary, (v) => v.setFloat32(56, -1, true)), SOURCE))).toBe(56);
  });

  it('rejects a codes section that is not rows × codeBytes long', () => {
    expect(() => checkCodesSection(new Uint8Array(12), 3, 4, SOURCE)).not.toThrow();
    expect(corruptionAt(() => checkCodesSection(new Uint8Array(11), 3, 4, SOURCE))).toBe(0);
    expect(corruptionAt(() => checkCodesSection(new Uint8Array(16), 3, 4, SOURCE))).toBe(0);
  });
});
