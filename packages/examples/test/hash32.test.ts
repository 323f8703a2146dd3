import { describe, expect, it } from 'vitest';
import { fmix32, fnv1a32, hash32 } from '../src/embedder/hash32.js';

describe('hash32', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    // From the FNV reference test suite (isthe.com/chongo/src/fnv/test_fnv.c).
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes the UTF-8 bytes, as TextEncoder produces them', () => {
    const reference = (key: string): number => {
      let h = 0x811c9dc5;
      for (const byte of new TextEncoder().encode(key)) h = Math.imul(h ^ byte, 0x01000193);
      return h >>> 0;
    };
    for (const key of ['héllo', 'wörld 日本', 'emoji 😀', 'lone \ud800 surrogate']) expect(fnv1a32(key)).toBe(reference(key));
  });

  it('finalises with MurmurHash3 fmix32 into an unsigned 32-bit integer', () => {
    expect(fmix32(0)).toBe(0);
    const h = hash32('w:error');
    expect(h).toBe(fmix32(fnv1a32('w:error')));
    expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
  });
});
