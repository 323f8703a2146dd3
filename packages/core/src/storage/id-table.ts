import type { BlobList } from '../format/blob-list.js';
import { bytesEqual, fnv1a } from './id-hash.js';
import { mappedArray } from '../kernels/mapped-array.js';

const EMPTY = -1;

/**
 * External id → internal row of one sealed segment: an open-addressing hash
 * table (linear probing) of row numbers in an Int32Array, keyed by the FNV-1a
 * hash of the id's UTF-8 bytes, which stay in the segment's id list. An id
 * held by several rows maps to the last of them. Its memory is exactly
 * `slots.byteLength`.
 */
export class IdTable {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(private readonly ids: BlobList) {
    let capacity = 8;
    while (capacity < ids.count * 2) capacity *= 2;
    this.slots = mappedArray(Int32Array, capacity).fill(EMPTY);
    this.mask = capacity - 1;
    for (let row = 0; row < ids.count; row++) {
      const id = ids.get(row)!;
      let slot = fnv1a(id) & this.mask;
      // A sealed memtable keeps the rows an upsert overwrote, so an id can occur more than once;
      // only its last row can be live. The newer row takes the older one's slot: finding the
      // first, dead row made the live one unreachable by id (get by id empty, delete ignored).
      while (this.slots[slot] !== EMPTY && !bytesEqual(ids.get(this.slots[slot])!, id)) slot = (slot + 1) & this.mask;
      this.slots[slot] = row;
    }
  }

  /** The row holding `id` (UTF-8 bytes), or −1. */
  find(id: Uint8Array): number {
    let slot = fnv1a(id) & this.mask;
    for (;;) {
      const row = this.slots[slot];
      if (row === EMPTY) return -1;
      if (bytesEqual(this.ids.get(row)!, id)) return row;
      slot = (slot + 1) & this.mask;
    }
  }

  get byteLength(): number {
    return this.slots.byteLength;
  }
}
