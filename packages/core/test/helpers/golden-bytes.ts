/**
 * Building blocks of the golden byte tests: the expected bytes of a file are
 * written out field by field from the tables in docs/format, little-endian,
 * with CRC-32 from zlib (the checksum the docs name) rather than the
 * engine's own implementation.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { expect } from 'vitest';
import { CorruptionError } from '../../src/errors.js';

export const u8 = (n: number): Uint8Array => Uint8Array.of(n);

export function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, true);
  return out;
}

export function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  return out;
}

/** An 8-byte magic: ASCII, NUL-padded. */
export function magic(text: string): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export function zeros(n: number): Uint8Array {
  return new Uint8Array(n);
}

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export function crc(...parts: Uint8Array[]): Uint8Array {
  return u32(zlibCrc32(concat(...parts)) >>> 0);
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** A copy of `bytes` with `patch` written at `offset`. */
export function patched(bytes: Uint8Array, offset: number, patch: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out.set(patch, offset);
  return out;
}

/** The offset of the CorruptionError naming `file` that `action` throws. */
export function corruptionAt(file: string, action: () => unknown): number {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CorruptionError);
    expect((error as CorruptionError).file).toBe(file);
    return (error as CorruptionError).offset;
  }
  throw new Error('expected a CorruptionError');
}
