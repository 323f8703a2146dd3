import { WASM_KERNELS_BASE64, WASM_SHARED_KERNELS_BASE64 } from './wasm-binary.generated.js';
import { wasmApi } from './wasm-api.js';

let compiled: object | null | undefined;

/**
 * The compiled kernels module, or null when this runtime rejects it — the
 * module uses SIMD, so `WebAssembly.validate` failing means no SIMD support
 * and callers fall back to the scalar JavaScript kernels. Compiled once per
 * process (≈ 2 KB, synchronously) and shared by every index.
 */
export function wasmKernelModule(): object | null {
  if (compiled === undefined) {
    const bytes = new Uint8Array(Buffer.from(WASM_KERNELS_BASE64, 'base64'));
    compiled = wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
  }
  return compiled;
}

let compiledShared: object | null | undefined;

/**
 * The kernels compiled against a shared memory (SIMD + threads), or null when
 * this runtime rejects the module or cannot make a shared memory (no
 * SharedArrayBuffer); the parallel graph build then falls back to one thread.
 */
export function wasmSharedKernelModule(): object | null {
  if (compiledShared === undefined) {
    const bytes = new Uint8Array(Buffer.from(WASM_SHARED_KERNELS_BASE64, 'base64'));
    compiledShared = null;
    try {
      if (typeof SharedArrayBuffer === 'function' && wasmApi.validate(bytes)) {
        new wasmApi.Memory({ initial: 1, maximum: 1, shared: true });
        compiledShared = new wasmApi.Module(bytes);
      }
    } catch {
      compiledShared = null;
    }
  }
  return compiledShared;
}
