/**
 * Large arrays of the write path live in mapped buffers (resizable
 * ArrayBuffers, which V8 maps and unmaps itself), not in malloc's heap:
 * see src/kernels/mapped-array.ts for why and what it measured.
 */
import { describe, expect, it } from 'vitest';
import { packVectors } from '../src/api/records.js';
import { MAPPED_ARRAY_MIN_BYTES, mappedArray } from '../src/kernels/mapped-array.js';

const resizable = (a: Float32Array) => (a.buffer as ArrayBuffer & { resizable?: boolean }).resizable === true;

describe('mapped arrays', () => {
  it('are zeroed Float32Arrays of the length asked, mapped from the threshold on', () => {
    const small = mappedArray(Float32Array, MAPPED_ARRAY_MIN_BYTES / 4 - 1);
    const large = mappedArray(Float32Array, MAPPED_ARRAY_MIN_BYTES / 4);
    expect(small.length).toBe(MAPPED_ARRAY_MIN_BYTES / 4 - 1);
    expect(large.length).toBe(MAPPED_ARRAY_MIN_BYTES / 4);
    expect(large.every((v) => v === 0)).toBe(true);
    expect(resizable(small)).toBe(false);
    expect(resizable(large)).toBe(true);
    // A fixed-length view: the buffer is never resized, so the length holds.
    expect(large.buffer.byteLength).toBe(MAPPED_ARRAY_MIN_BYTES);
  });

  it('are zeroed and writable at the length asked, small or large, and never share memory', () => {
    for (const length of [0, 1, 4096, MAPPED_ARRAY_MIN_BYTES - 1, MAPPED_ARRAY_MIN_BYTES, (1 << 20) + 3, 5_000_001]) {
      const bytes = mappedArray(Uint8Array, length);
      expect(bytes.byteLength).toBe(length);
      expect(bytes.byteOffset).toBe(0);
      expect(bytes.every((b) => b === 0)).toBe(true);
      if (length > 0) {
        bytes[length - 1] = 7;
        expect(bytes[length - 1]).toBe(7);
      }
    }
    const a = mappedArray(Int32Array, 1 << 16);
    const b = mappedArray(Int32Array, 1 << 16);
    b[0] = 1;
    expect(a[0]).toBe(0);
  });

  it("hold a write batch's packed vectors", () => {
    const dim = 128;
    const rows = Array.from({ length: 1000 }, (_, r) => Float32Array.from({ length: dim }, (_, j) => r + j / dim));
    const { vectors } = packVectors(rows, dim, 'l2');
    expect(resizable(vectors)).toBe(true);
    expect(vectors.subarray(999 * dim, 1000 * dim)).toEqual(rows[999]);
  });
});
