import { WASM_KERNELS_BASE64 } from './wasm-binary.generated.js';
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
