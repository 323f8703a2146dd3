import { createJsKernels } from './js-kernels.js';
import type { GraphKernels, KernelBackend, Kernels } from './kernels.js';
import { WASM_MAX_PAGES, WASM_PAGE_BYTES, wasmApi, type WasmMemory } from './wasm-api.js';
import { wasmKernelModule, wasmSharedKernelModule } from './wasm-module.js';

/** The shared memories made here, weakly held (see {@link sharedMemoryBytes}). */
const sharedMemories: WeakRef<WasmMemory>[] = [];

/**
 * Bytes of the shared WebAssembly memories made by KernelMemory that are
 * still alive (not yet collected). Node's process.memoryUsage() leaves them
 * out: a 62.8 MB shared memory, filled, adds 0 to `external` and 62.8 MB to
 * `rss` (Node 20), while an unshared one adds to both. Measurements of
 * memory against stats() add this.
 */
export function sharedMemoryBytes(): number {
  let bytes = 0;
  for (let i = sharedMemories.length - 1; i >= 0; i--) {
    const memory = sharedMemories[i].deref();
    if (memory === undefined) sharedMemories.splice(i, 1);
    else bytes += memory.buffer.byteLength;
  }
  return bytes;
}

/** Options for {@link KernelMemory.create}. */
export interface KernelMemoryOptions {
  /**
   * Force a backend. Default: `wasm-simd` when the runtime validates the SIMD
   * module, else `js`. Tests force `js` to compare the two.
   */
  backend?: KernelBackend;
  /**
   * A shared WebAssembly memory (SharedArrayBuffer) and the kernels compiled
   * for it, so worker threads can bind their own kernels to the same memory
   * (see hnsw-build.ts). Needs the `wasm-simd` backend with threads; check
   * {@link KernelMemory.sharedSupported}.
   */
  shared?: boolean;
}

/**
 * One linear memory plus the kernels bound to it. Each index owns one, so
 * vectors are written once into the memory the kernels read and the hot loop
 * never copies them. The memory only grows (WebAssembly cannot shrink);
 * growing detaches the old buffer, so views are refreshed here and callers
 * must re-read `f32` / `i32` / `u8` after {@link ensureBytes}.
 */
export class KernelMemory {
  f32: Float32Array;
  i32: Int32Array;
  u8: Uint8Array;
  kernels: Kernels;
  /** Level-0 graph search in WebAssembly; null on the scalar backend. */
  graphKernels: GraphKernels | null = null;
  private wasmMemory: WasmMemory | null;
  private jsBuffer: ArrayBuffer;
  private accept: (row: number) => boolean = () => true;

  private constructor(
    readonly backend: KernelBackend,
    readonly shared: boolean,
  ) {
    this.wasmMemory = null;
    this.jsBuffer = new ArrayBuffer(0);
    this.f32 = new Float32Array(0);
    this.i32 = new Int32Array(0);
    this.u8 = new Uint8Array(0);
    const module = backend !== 'wasm-simd' ? null : shared ? wasmSharedKernelModule() : wasmKernelModule();
    if (module === null) {
      this.kernels = createJsKernels(this);
      return;
    }
    // A shared memory needs a maximum; wasm32 reserves its 4 GiB of address space either way.
    this.wasmMemory = new wasmApi.Memory({ initial: 0, maximum: WASM_MAX_PAGES, shared });
    if (shared) sharedMemories.push(new WeakRef(this.wasmMemory));
    // The module calls env.accept(row) during a filtered graph search; the
    // trampoline forwards to the filter set for the current search.
    const instance = new wasmApi.Instance(module, {
      env: { memory: this.wasmMemory, accept: (row: number) => (this.accept(row) ? 1 : 0) },
    });
    this.kernels = instance.exports as unknown as Kernels;
    this.graphKernels = instance.exports as unknown as GraphKernels;
    this.refreshViews();
  }

  /**
   * A new, empty memory. Throws if `wasm-simd` is forced where SIMD is
   * unsupported, or `shared` is asked where {@link sharedSupported} is false.
   */
  static create(options: KernelMemoryOptions = {}): KernelMemory {
    const shared = options.shared === true;
    const backend = shared ? (options.backend ?? 'wasm-simd') : KernelMemory.resolveBackend(options.backend);
    if (shared && !(backend === 'wasm-simd' && KernelMemory.sharedSupported())) {
      throw new Error('a shared kernel memory needs WebAssembly SIMD with threads, which this runtime does not support');
    }
    if (backend === 'wasm-simd' && wasmKernelModule() === null) {
      throw new Error('WebAssembly SIMD is not supported by this runtime');
    }
    return new KernelMemory(backend, shared);
  }

  /** Whether this runtime can make a shared memory (WebAssembly SIMD + threads, SharedArrayBuffer). */
  static sharedSupported(): boolean {
    return wasmSharedKernelModule() !== null;
  }

  /** The WebAssembly memory of a shared kernel memory, for worker threads to bind to; null otherwise or once released. */
  get sharedMemory(): WasmMemory | null {
    return this.shared ? this.wasmMemory : null;
  }

  /** The backend {@link create} picks for `wanted`. */
  static resolveBackend(wanted?: KernelBackend): KernelBackend {
    return wanted ?? (wasmKernelModule() !== null ? 'wasm-simd' : 'js');
  }

  /** The filter `env.accept` answers with until the next call. */
  setAccept(accept: (row: number) => boolean): void {
    this.accept = accept;
  }

  /** Bytes currently allocated (whole WebAssembly pages for the wasm backend). */
  get byteLength(): number {
    return this.wasmMemory !== null ? this.wasmMemory.buffer.byteLength : this.jsBuffer.byteLength;
  }

  /**
   * Grows the memory to at least `bytes`, keeping its contents. Throws
   * RangeError past 4 GiB (the wasm32 address space).
   */
  ensureBytes(bytes: number): void {
    if (bytes <= this.byteLength) return;
    if (this.wasmMemory !== null) {
      const pages = Math.ceil(bytes / WASM_PAGE_BYTES);
      if (pages > WASM_MAX_PAGES) {
        throw new RangeError(`an index needs ${bytes} bytes; one index holds at most 4 GiB`);
      }
      this.wasmMemory.grow(pages - this.wasmMemory.buffer.byteLength / WASM_PAGE_BYTES);
    } else {
      const grown = new ArrayBuffer(Math.ceil(bytes / 16) * 16);
      new Uint8Array(grown).set(new Uint8Array(this.jsBuffer));
      this.jsBuffer = grown;
    }
    this.refreshViews();
  }

  /** Drops the memory (for the wasm backend: the instance too) so it can be collected. */
  release(): void {
    this.wasmMemory = null;
    this.jsBuffer = new ArrayBuffer(0);
    this.kernels = createJsKernels(this);
    this.graphKernels = null;
    this.refreshViews();
  }

  private refreshViews(): void {
    const buffer = this.wasmMemory !== null ? this.wasmMemory.buffer : this.jsBuffer;
    this.f32 = new Float32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }
}
