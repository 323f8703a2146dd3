/**
 * Write batches' packed vectors live in mapped buffers (resizable
 * ArrayBuffers, which V8 maps and unmaps itself), not in malloc's heap:
 * see src/memory/transient-buffer.ts for why and what it measured.
 */
import { describe, expect, it } from 'vitest';
import { packVectors } from '../src/api/records.js';
import { MAPPED_BUFFER_MIN_BYTES, transientFloat32Array } from '../src/memory/transient-buffer.js';

const resizable = (a: Float32Array) => (a.buffer as ArrayBuffer & { resizable?: boolean }).resizable === true;

describe('transient buffers', () => {
  it('are zeroed Float32Arrays of the length asked, mapped from the threshold on', () => {
    const small = transientFloat32Array(MAPPED_BUFFER_MIN_BYTES / 4 - 1);
    const large = transientFloat32Array(MAPPED_BUFFER_MIN_BYTES / 4);
    expect(small.length).toBe(MAPPED_BUFFER_MIN_BYTES / 4 - 1);
    expect(large.length).toBe(MAPPED_BUFFER_MIN_BYTES / 4);
    expect(large.every((v) => v === 0)).toBe(true);
    expect(resizable(small)).toBe(false);
    expect(resizable(large)).toBe(true);
    // A fixed-length view: the buffer is never resized, so the length holds.
    expect(large.buffer.byteLength).toBe(MAPPED_BUFFER_MIN_BYTES);
  });

  it("hold a write batch's packed vectors", () => {
    const dim = 128;
    const rows = Array.from({ length: 1000 }, (_, r) => Float32Array.from({ length: dim }, (_, j) => r + j / dim));
    const { vectors } = packVectors(rows, dim, 'l2');
    expect(resizable(vectors)).toBe(true);
    expect(vectors.subarray(999 * dim, 1000 * dim)).toEqual(rows[999]);
  });
});
