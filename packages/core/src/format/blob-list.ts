import { CorruptionError } from '../errors.js';
import { viewOf } from './header.js';
import { decodeUtf8, decodeUtf8Rows, encodeUtf8Into, utf8ByteLength } from './utf8.js';
import { mappedArray } from '../kernels/mapped-array.js';

/**
 * A list of optional byte strings (layout in docs/format/segment.md, "Blob
 * list"): presence flags, offsets, data. Read in place over the section bytes.
 */
export class BlobList {
  private constructor(
    readonly count: number,
    private readonly presence: Uint8Array,
    private readonly offsets: Uint32Array,
    private readonly data: Uint8Array,
    /** The encoded bytes this list reads from. */
    readonly bytes: Uint8Array,
  ) {}

  static encode(entries: readonly (Uint8Array | null)[]): Uint8Array {
    let dataBytes = 0;
    for (const e of entries) if (e) dataBytes += e.byteLength;
    return BlobList.write(entries, dataBytes, (e, dest) => {
      dest.set(e);
      return e.byteLength;
    });
  }

  /**
   * {@link encode} of strings as UTF-8 (null: absent), written straight into
   * the list: no byte array per entry, whose backing stores (one malloc each,
   * 100k of them for a 100k-row segment) outlived the seal as heap the
   * allocator kept.
   */
  static encodeStrings(entries: readonly (string | null)[]): Uint8Array {
    let dataBytes = 0;
    for (const e of entries) if (e !== null) dataBytes += utf8ByteLength(e);
    return BlobList.write(entries, dataBytes, (e, dest) => encodeUtf8Into(e, dest, 0));
  }

  /** The list of `entries` (null: absent) holding `dataBytes` of data; `put` writes one entry at the start of `dest`, returning its bytes. */
  private static write<T>(entries: readonly (T | null)[], dataBytes: number, put: (entry: T, dest: Uint8Array) => number): Uint8Array {
    const count = entries.length;
    const presenceBytes = align4(count);
    const headBytes = 4 + presenceBytes + (count + 1) * 4;
    const out = mappedArray(Uint8Array, headBytes + dataBytes);
    const view = viewOf(out);
    view.setUint32(0, count, true);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const e = entries[i];
      out[4 + i] = e !== null ? 1 : 0;
      view.setUint32(4 + presenceBytes + i * 4, at, true);
      if (e !== null) at += put(e, out.subarray(headBytes + at));
    }
    view.setUint32(4 + presenceBytes + count * 4, at, true);
    return out;
  }

  /**
   * Reads a blob list; `bytes` is copied so the list owns its memory.
   * Throws CorruptionError (at `file`, `offset` + position) when malformed.
   */
  static decode(bytes: Uint8Array, file: string, offset: number): BlobList {
    const own = mappedArray(Uint8Array, bytes.byteLength);
    own.set(bytes);
    if (own.byteLength < 4) throw new CorruptionError(file, offset, 'blob list shorter than its count');
    const view = viewOf(own);
    const count = view.getUint32(0, true);
    const presenceBytes = align4(count);
    const headBytes = 4 + presenceBytes + (count + 1) * 4;
    if (headBytes > own.byteLength) throw new CorruptionError(file, offset, `blob list of ${count} entries does not fit`);
    const offsets = new Uint32Array(own.buffer, own.byteOffset + 4 + presenceBytes, count + 1);
    const dataBytes = own.byteLength - headBytes;
    if (offsets[0] !== 0) throw new CorruptionError(file, offset + 4 + presenceBytes, 'first blob offset is not 0');
    for (let i = 0; i < count; i++) {
      if (offsets[i + 1] < offsets[i] || offsets[i + 1] > dataBytes) {
        throw new CorruptionError(file, offset + 4 + presenceBytes + (i + 1) * 4, `blob offset ${i + 1} out of order or range`);
      }
    }
    if (offsets[count] !== dataBytes) throw new CorruptionError(file, offset + headBytes - 4, 'blob data length mismatch');
    return new BlobList(count, own.subarray(4, 4 + count), offsets, own.subarray(headBytes), own);
  }

  /** A list of `count` absent entries (a section left out of a segment). */
  static absent(count: number): BlobList {
    return new BlobList(count, new Uint8Array(0), new Uint32Array(0), new Uint8Array(0), new Uint8Array(0));
  }

  /** Entry `i`, or null when absent. A view: copy it to keep it. */
  get(i: number): Uint8Array | null {
    // Entries past the presence flags (an absent list holds none) read as absent.
    if (this.presence[i] !== 1) return null;
    return this.data.subarray(this.offsets[i], this.offsets[i + 1]);
  }

  /** {@link text} of each of `rows`, in order, their memory reads overlapped (see decodeUtf8Rows). */
  texts(rows: ArrayLike<number>): (string | null)[] {
    return decodeUtf8Rows(this.data, this.offsets, rows, this.presence);
  }

  /** Entry `i` decoded as UTF-8, or null when absent. */
  text(i: number): string | null {
    if (this.presence[i] !== 1) return null;
    return decodeUtf8(this.data, this.offsets[i], this.offsets[i + 1]);
  }

  /**
   * Entry `i` decoded as UTF-8, for a list whose every entry is present (a
   * segment's ids, checked when it is opened): the presence flag is not
   * read: one memory access fewer per call, mostly a cache miss after a
   * graph search (in a CPU profile of generated-100k queries, k 10, id
   * decoding went from 3.0 % to 2.4 % of the query).
   */
  presentText(i: number): string {
    return decodeUtf8(this.data, this.offsets[i], this.offsets[i + 1]);
  }

  /** {@link presentText} of each of `rows`, in order, their memory reads overlapped (see decodeUtf8Rows). */
  presentTexts(rows: ArrayLike<number>): string[] {
    return decodeUtf8Rows(this.data, this.offsets, rows);
  }

  get byteLength(): number {
    return this.bytes.byteLength;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
