/**
 * pageBackedBytes: zeroed bytes of exactly the length asked, writable, on
 * WebAssembly pages of their own from 1 MiB (so a large short-lived buffer
 * never passes through malloc), a plain Uint8Array below.
 */
import { describe, expect, it } from 'vitest';
import { pageBackedBytes } from '../src/kernels/page-bytes.js';

describe('pageBackedBytes', () => {
  it('gives zeroed, writable bytes of the length asked, small or large', () => {
    for (const length of [0, 1, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 3, 5_000_001]) {
      const bytes = pageBackedBytes(length);
      expect(bytes.byteLength).toBe(length);
      expect(bytes.byteOffset).toBe(0);
      expect(bytes.every((b) => b === 0)).toBe(true);
      if (length > 0) {
        bytes[length - 1] = 7;
        expect(bytes[length - 1]).toBe(7);
      }
    }
  });

  it('puts buffers from 1 MiB on pages of their own (whole 64 KiB pages), smaller ones on a plain ArrayBuffer', () => {
    expect(pageBackedBytes(1000).buffer.byteLength).toBe(1000);
    const large = pageBackedBytes((1 << 20) + 3);
    expect(large.buffer.byteLength).toBe(Math.ceil(((1 << 20) + 3) / 65_536) * 65_536);
    // Two buffers never share memory.
    const other = pageBackedBytes(1 << 20);
    other[0] = 1;
    expect(large[0]).toBe(0);
  });
});
