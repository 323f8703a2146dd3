import { mappedArray } from '../kernels/mapped-array.js';

const EMPTY = -1;
const REMOVED = -2;

/**
 * External id → row, for rows that come and go (the memtable): open
 * addressing with linear probing over an Int32Array of rows, keyed by the
 * FNV-1a hash of the id's UTF-8 bytes, which the caller keeps (`idOf`). A
 * removed entry leaves a marker so later probes continue past it. Its memory
 * is exactly `slots.byteLength`.
 */
export class IdHash {
  private slots = new Int32Array(64).fill(EMPTY);
  private mask = 63;
  /** Slots not EMPTY (live or REMOVED): what probing has to walk. */
  private occupied = 0;

  constructor(private readonly idOf: (row: number) => Uint8Array) {}

  /** The row holding `id`, or −1. */
  find(id: Uint8Array): number {
    for (let slot = fnv1a(id) & this.mask; ; slot = (slot + 1) & this.mask) {
      const row = this.slots[slot];
      if (row === EMPTY) return -1;
      if (row !== REMOVED && bytesEqual(this.idOf(row), id)) return row;
    }
  }

  /** Maps `id` to `row`; the id must not be present. */
  insert(id: Uint8Array, row: number): void {
    if ((this.occupied + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    let slot = fnv1a(id) & this.mask;
    while (this.slots[slot] >= 0) slot = (slot + 1) & this.mask;
    if (this.slots[slot] === EMPTY) this.occupied++;
    this.slots[slot] = row;
  }

  /** Forgets the entry of `id` at `row`, if present. */
  remove(id: Uint8Array, row: number): void {
    for (let slot = fnv1a(id) & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = this.slots[slot];
      if (at === EMPTY) return;
      if (at === row) {
        this.slots[slot] = REMOVED;
        return;
      }
    }
  }

  get byteLength(): number {
    return this.slots.byteLength;
  }

  private rehash(capacity: number): void {
    const old = this.slots;
    this.slots = mappedArray(Int32Array, capacity).fill(EMPTY);
    this.mask = capacity - 1;
    this.occupied = 0;
    for (const row of old) if (row >= 0) this.insert(this.idOf(row), row);
  }
}

/** 32-bit FNV-1a (Fowler–Noll–Vo) hash. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
