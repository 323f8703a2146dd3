import { WASM_PAGE_BYTES, wasmApi } from './wasm-api.js';

/** Below this, a plain Uint8Array: malloc serves small buffers well. */
const PAGE_BACKED_MIN_BYTES = 1 << 20;

/**
 * `bytes` zeroed bytes for a large buffer that lives briefly (a serialized
 * graph on its way into a segment file). From 1 MiB they sit on WebAssembly
 * memory pages of their own, which go back to the OS when the buffer is
 * collected. An ArrayBuffer of that size comes from glibc's malloc instead,
 * and freeing one (up to 32 MiB) raises malloc's mmap and trim thresholds to
 * its size for the rest of the process: a 16 MB graph buffer freed after a
 * merge left up to twice that of freed heap resident in the main and the
 * threads' arenas (measured: 100k × 128-d build, Node 20, glibc; with the
 * thresholds pinned by MALLOC_MMAP_THRESHOLD_ the arenas grew < 2 MB).
 */
export function pageBackedBytes(bytes: number): Uint8Array {
  if (bytes < PAGE_BACKED_MIN_BYTES) return new Uint8Array(bytes);
  const memory = new wasmApi.Memory({ initial: Math.ceil(bytes / WASM_PAGE_BYTES) });
  return new Uint8Array(memory.buffer, 0, bytes);
}
