import { decodeUtf8, decodeUtf8Rows, encodeUtf8Into, maxUtf8Bytes } from '../format/utf8.js';
import { mappedArray, type TypedArrayClass } from '../kernels/mapped-array.js';

/**
 * A growable list of optional byte strings packed into one buffer: entry `i`
 * is `data[offsets[i] .. offsets[i+1])`, or absent. Holds no JS object per
 * entry, so its memory is exactly the byte lengths of its three arrays.
 */
export class ByteArena {
  private data = new Uint8Array(1024);
  private offsets = new Uint32Array(65);
  private presence = new Uint8Array(64);
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Appends an entry (null for absent) and returns its index. */
  push(bytes: Uint8Array | null): number {
    const at = this.reserve(bytes?.byteLength ?? 0);
    if (bytes) this.data.set(bytes, at);
    return this.close(bytes !== null, at + (bytes?.byteLength ?? 0));
  }

  /** Appends `text` as UTF-8 (null for absent), encoded in place, and returns its index. */
  pushText(text: string | null): number {
    if (text === null) return this.push(null);
    const at = this.reserve(maxUtf8Bytes(text));
    return this.close(true, at + encodeUtf8Into(text, this.data, at));
  }

  /** Room for the next entry's `bytes`; returns where it starts. */
  private reserve(bytes: number): number {
    const at = this.offsets[this.count];
    if (at + bytes > this.data.byteLength) this.data = grow(this.data, at + bytes);
    if (this.count + 2 > this.offsets.length) this.offsets = grow(this.offsets, this.count + 2);
    if (this.count + 1 > this.presence.length) this.presence = grow(this.presence, this.count + 1);
    return at;
  }

  /** Ends the next entry at `end`; returns its index. */
  private close(present: boolean, end: number): number {
    this.presence[this.count] = present ? 1 : 0;
    this.offsets[this.count + 1] = end;
    return this.count++;
  }

  /** Entry `i`, or null when absent. A view: copy it to keep it past the next push. */
  get(i: number): Uint8Array | null {
    if (this.presence[i] !== 1) return null;
    return this.data.subarray(this.offsets[i], this.offsets[i + 1]);
  }

  /** Entry `i` decoded as UTF-8 by format/utf8.ts (a leading BOM kept), or null when absent; no view is made. */
  text(i: number): string | null {
    if (this.presence[i] !== 1) return null;
    return decodeUtf8(this.data, this.offsets[i], this.offsets[i + 1]);
  }

  /** {@link text} of each of `rows`, in order, their memory reads overlapped (see decodeUtf8Rows). */
  texts(rows: ArrayLike<number>): (string | null)[] {
    return decodeUtf8Rows(this.data, this.offsets, rows, this.presence);
  }

  /** {@link text} of each of `rows`, which must all be present, in order, their memory reads overlapped (see decodeUtf8Rows). */
  presentTexts(rows: ArrayLike<number>): string[] {
    return decodeUtf8Rows(this.data, this.offsets, rows);
  }

  get byteLength(): number {
    return this.data.byteLength + this.offsets.byteLength + this.presence.byteLength;
  }
}

function grow<T extends Uint8Array | Uint32Array>(array: T, needed: number): T {
  let capacity = array.length * 2;
  while (capacity < needed) capacity *= 2;
  const next = mappedArray(array.constructor as TypedArrayClass<T>, capacity);
  next.set(array);
  return next;
}
