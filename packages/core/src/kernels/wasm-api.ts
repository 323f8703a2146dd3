/**
 * The slice of the WebAssembly JS API the kernels use. The project compiles
 * against lib ES2022 without DOM, where `WebAssembly` has no type, so it is
 * typed here locally instead of through a global declaration that could clash
 * with another package's.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `deltaPages` × 64 KiB; returns the old size in pages; throws RangeError past the maximum. */
  grow(deltaPages: number): number;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}

/** `globalThis.WebAssembly`, present in every Node.js ≥ 20. */
export const wasmApi: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Bytes per WebAssembly page. */
export const WASM_PAGE_BYTES = 65_536;

/** wasm32 addresses 4 GiB: 65,536 pages. */
export const WASM_MAX_PAGES = 65_536;
