/**
 * Buffers for data that lives for one call (a write batch's packed vectors),
 * kept out of malloc's heap.
 *
 * Node allocates an ArrayBuffer's bytes with malloc. glibc serves a request
 * above its mmap threshold (128 KiB at first) with a mapping of its own,
 * but raises the threshold to the size of each such block freed (up to
 * 32 MiB), so after the first batch, batch-sized buffers come from the heap.
 * V8 frees them only when a garbage collection finds them dead, so dozens
 * pile up between collections; the heap grows to hold them and glibc keeps
 * most of it once they are freed. Measured on Node 20 with glibc 2.36: 200
 * buffers of 512 KB, 30 alive at a time, left RSS 27 MB higher after a full
 * GC than mapped ones did; at 100,000 × 128 added in batches of 1,000 with
 * default options, malloc_trim(0) (called from gdb) gave back 14 MB of a
 * settled process with plain batch buffers, 8 MB with mapped ones.
 *
 * A resizable ArrayBuffer is reserved and committed by V8 with mmap and
 * unmapped when collected, whatever glibc's threshold: its bytes leave the
 * process with it. The price is a fresh page fault per 4 KiB page each
 * time: packing 1,000 × 128 vectors took 1.9 ms instead of 0.3–0.9 ms.
 */

/** From this size a buffer is mapped (below it, malloc's small-block bins reuse memory well). */
export const MAPPED_BUFFER_MIN_BYTES = 128 * 1024;

type ResizableArrayBufferConstructor = new (byteLength: number, options: { maxByteLength: number }) => ArrayBuffer;

/**
 * A zeroed Float32Array of `length` values whose memory is returned to the
 * operating system when it is collected (see the module comment); a plain
 * one below {@link MAPPED_BUFFER_MIN_BYTES}.
 */
export function transientFloat32Array(length: number): Float32Array {
  const bytes = length * Float32Array.BYTES_PER_ELEMENT;
  if (bytes < MAPPED_BUFFER_MIN_BYTES) return new Float32Array(length);
  return new Float32Array(new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(bytes, { maxByteLength: bytes }));
}
