/**
 * Large typed arrays kept out of malloc's heap: those that are garbage soon
 * (a write batch's packed vectors, an encoded section, the old copy of an
 * array that doubled) or live as long as a segment, which a merge drops.
 *
 * Node allocates an ArrayBuffer's bytes with malloc. glibc serves a request
 * above its mmap threshold (128 KiB at first) with a mapping of its own,
 * but raises the threshold to the size of each such block freed (up to
 * 32 MiB), so after the first such free, buffers of that size come from
 * the heap. V8 frees them only when a garbage collection finds them dead,
 * so dozens pile up between collections; the heap grows to hold them and
 * glibc keeps most of it once they are freed (it returns only the heap's
 * top, and only past a trim threshold twice the mmap threshold). Measured
 * on Node 20 with glibc 2.36: 200 buffers of 512 KB, 30 alive at a time,
 * left RSS 27 MB higher after a full GC than mapped ones did. At 100,000 ×
 * 128 added in batches of 1,000 with default options, malloc_trim(0)
 * (called from gdb) gave back 14 MB of a settled process with plain batch
 * buffers, 8 MB with mapped ones; with every array this module serves
 * mapped, `bench:ann` measured RSS growth over the build at 846 bytes per
 * vector instead of 958 (generated-100k, medians of 3).
 *
 * A resizable ArrayBuffer is reserved and committed by V8 with mmap and
 * unmapped when collected, whatever glibc's threshold: its bytes leave the
 * process with it. The price is a fresh page fault per 4 KiB page each
 * time: packing 1,000 × 128 vectors took 1.9 ms instead of 0.3–0.9 ms.
 * (A serialized graph was the first buffer found this way: a 16 MB one
 * freed after a merge left up to twice that of freed heap resident in the
 * main and the threads' arenas; with the thresholds pinned by
 * MALLOC_MMAP_THRESHOLD_ the arenas grew < 2 MB.)
 */

/** From this size an array is mapped (below it, malloc's small-block bins reuse memory well). */
export const MAPPED_ARRAY_MIN_BYTES = 128 * 1024;

type ResizableArrayBufferConstructor = new (byteLength: number, options: { maxByteLength: number }) => ArrayBuffer;

/** A typed-array class: Float32Array, Int32Array, Uint8Array, … */
export interface TypedArrayClass<T> {
  readonly BYTES_PER_ELEMENT: number;
  new (length: number): T;
  new (buffer: ArrayBuffer): T;
}

/**
 * A zeroed `type` array of `length` elements whose memory is returned to
 * the operating system when it is collected (see the module comment); a
 * plain one below {@link MAPPED_ARRAY_MIN_BYTES}. Fixed length, as a plain
 * one: its buffer is resizable only in name, so that V8 maps it.
 */
export function mappedArray<T>(type: TypedArrayClass<T>, length: number): T {
  const bytes = length * type.BYTES_PER_ELEMENT;
  if (bytes < MAPPED_ARRAY_MIN_BYTES) return new type(length);
  return new type(new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(bytes, { maxByteLength: bytes }));
}
