/**
 * The original float32 vectors of a quantized segment, read on demand.
 *
 * A quantized segment keeps only its codes and graph resident; the float32
 * rows stay in the segment file and are read for rescoring, exact search and
 * `get({ include: ['embeddings'] })`. The storage layer backs this interface
 * with an mmap of the vectors section (positional reads where mmap is
 * missing); tests back it with an array.
 */
export interface OriginalVectors {
  /** Rows held; must equal the segment's row count. */
  readonly rows: number;
  /**
   * Writes row `row` (0 ≤ row < rows, checked by the caller) into
   * `out[0 … dimension)`, bit-identical to the vector that was added.
   * `out` may be a view of kernel memory: write through it, do not keep it.
   * May throw the storage layer's I/O or corruption errors.
   */
  read(row: number, out: Float32Array): void;
  /**
   * Optional bulk form of {@link read}: rows `first … first + count − 1`
   * into `out[0 … count · dimension)`, one contiguous copy. Exact search
   * uses it when present.
   */
  readRange?(first: number, count: number, out: Float32Array): void;
  /**
   * Optional: loads one byte of every 64-byte line of rows `rows[from …
   * from + count)` before any is read, so the cache misses of scattered rows
   * overlap (a rescore reads rows one by one).
   */
  warm?(rows: Int32Array, from: number, count: number): void;
  /** Bytes of the file mapped into memory to serve reads (0 or absent for none). */
  readonly mappedBytes?: number;
  /** Releases what the reads hold (a descriptor, a mapping); called once, by the index's `dispose`. */
  close?(): void;
}

/**
 * Originals held in a `rows × dimension` float32 array (not copied): for
 * tests, and for a segment whose vectors are already in memory.
 */
export function originalsFromFloat32(vectors: Float32Array, dimension: number): OriginalVectors {
  if (vectors.length % dimension !== 0) throw new RangeError(`${vectors.length} values are not whole ${dimension}-d rows`);
  const bytes = new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
  return {
    rows: vectors.length / dimension,
    read(row, out) {
      out.set(vectors.subarray(row * dimension, (row + 1) * dimension));
    },
    readRange(first, count, out) {
      out.set(vectors.subarray(first * dimension, (first + count) * dimension));
    },
    warm: (rows, from, count) => warmLines(bytes, dimension * 4, rows, from, count),
  };
}

/** Sink of {@link warmLines}' loads. */
let warmed = 0;

/** One load per 64-byte line (and the last byte) of each of `rows[from … from + count)` in `bytes` (rows of `rowBytes`). */
function warmLines(bytes: Uint8Array, rowBytes: number, rows: Int32Array, from: number, count: number): void {
  let touch = 0;
  for (let i = from; i < from + count; i++) {
    const at = rows[i] * rowBytes;
    for (let o = 0; o < rowBytes; o += 64) touch |= bytes[at + o];
    touch |= bytes[at + rowBytes - 1];
  }
  warmed = touch;
}

/**
 * Originals given as the little-endian float32 bytes of a vectors section,
 * at any alignment (e.g. a Buffer over an mmap of the segment file; not
 * copied). Bytes are copied as they are, so rows come back bit-identical;
 * like the kernel memory, this assumes a little-endian host.
 */
export function originalsFromBytes(bytes: Uint8Array, dimension: number): OriginalVectors {
  const rowBytes = dimension * 4;
  if (bytes.byteLength % rowBytes !== 0) throw new RangeError(`${bytes.byteLength} bytes are not whole ${dimension}-d float32 rows`);
  const copy = (first: number, count: number, out: Float32Array) => {
    new Uint8Array(out.buffer, out.byteOffset, count * rowBytes).set(bytes.subarray(first * rowBytes, (first + count) * rowBytes));
  };
  return {
    rows: bytes.byteLength / rowBytes,
    read: (row, out) => copy(row, 1, out),
    readRange: copy,
    warm: (rows, from, count) => warmLines(bytes, rowBytes, rows, from, count),
  };
}
