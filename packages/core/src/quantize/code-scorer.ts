import { MaxHeap } from '../kernels/heap.js';
import { KernelMemory } from '../kernels/kernel-memory.js';
import type { KernelBackend } from '../kernels/kernels.js';
import { drainSorted } from '../kernels/neighbors.js';
import type { Neighbor } from '../kernels/neighbors.js';
import { METHOD_CODE, type QuantizedKernels, quantizedKernels } from './quantized-kernels.js';
import type { QueryCodes, Quantizer } from './quantizer.js';

/** Rows scored per kernel call by scan / gather / nearest. */
const CHUNK_ROWS = 1024;

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/** Largest image of a query `q` prepares (see ScoreMethod): sq8 4·d, binary and pq codeBytes × 1024. */
export function queryImageBytes(q: Quantizer): number {
  return q.kind === 'sq8' ? 4 * q.dimension : q.codeBytes * 1024;
}

/** The kernels' `len` for a query `q` of `quantizer` prepared: the dimension for int8, code bytes otherwise. */
export function scoreLength(quantizer: Quantizer, q: QueryCodes): number {
  return q.method === 'int8' ? quantizer.dimension : quantizer.codeBytes;
}

/**
 * Codes of one segment held in kernel memory, scored against one query at a
 * time by the quantized kernels (WebAssembly SIMD, or the identical scalar
 * fallback). Layout: [query image][row ids: 1024 × int32][scores: 1024 ×
 * float32][codes: rows × codeBytes]. Not safe for concurrent use.
 */
export class CodeScorer {
  readonly rows: number;
  private readonly memory: KernelMemory;
  private kernels: QuantizedKernels;
  /** The current query's kernel method code and `len` (dimension for int8, code bytes otherwise). */
  private method = 0;
  private len = 0;
  private readonly idsAt: number;
  private readonly outAt: number;
  private readonly codesAt: number;
  private prepared: QueryCodes | null = null;

  /** `codes`: rows × quantizer.codeBytes (copied); RangeError for any other length. */
  constructor(
    readonly quantizer: Quantizer,
    codes: Uint8Array,
    options: { backend?: KernelBackend } = {},
  ) {
    if (codes.length % quantizer.codeBytes !== 0) {
      throw new RangeError(`${codes.length} bytes are not whole ${quantizer.codeBytes}-byte codes`);
    }
    this.rows = codes.length / quantizer.codeBytes;
    this.idsAt = align16(queryImageBytes(quantizer));
    this.outAt = this.idsAt + CHUNK_ROWS * 4;
    this.codesAt = this.outAt + CHUNK_ROWS * 4;
    this.memory = KernelMemory.create({ backend: options.backend });
    this.memory.ensureBytes(this.codesAt + this.rows * quantizer.codeBytes);
    this.memory.u8.set(codes.subarray(0, this.rows * quantizer.codeBytes), this.codesAt);
    this.kernels = quantizedKernels(this.memory);
  }

  /** Prepares `query` (dimension float32) with the quantizer and makes it current. */
  setQuery(query: Float32Array): void {
    this.setPrepared(this.quantizer.prepare(query));
  }

  /** Makes a query prepared by this scorer's quantizer current (copies its image). */
  setPrepared(q: QueryCodes): void {
    if (q.image.length > this.idsAt) throw new RangeError(`a ${q.image.length}-byte query image does not fit this scorer`);
    this.memory.u8.set(q.image, 0);
    this.method = METHOD_CODE[q.method];
    this.len = scoreLength(this.quantizer, q);
    this.prepared = q;
  }

  /** Estimated distance from the current query to code `row`. */
  distance(row: number): number {
    const q = this.current();
    return this.kernels.codeDistance(this.method, 0, this.codesAt + row * this.quantizer.codeBytes, this.len, q.bias, q.scale, q.scale2, 0);
  }

  /** out[i] = estimated distance to row first + i (float32), i < count. */
  scan(first: number, count: number, out: Float32Array): void {
    const q = this.current();
    const at = this.outAt >> 2;
    for (let done = 0; done < count; done += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, count - done);
      this.kernels.codeScan(this.method, 0, this.codesAt, this.quantizer.codeBytes, this.len, first + done, n, this.outAt, q.bias, q.scale, q.scale2, 0);
      out.set(this.memory.f32.subarray(at, at + n), done);
    }
  }

  /** out[i] = estimated distance to row rows[i] (float32). */
  gather(rows: Int32Array, out: Float32Array): void {
    const q = this.current();
    const at = this.outAt >> 2;
    for (let done = 0; done < rows.length; done += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows.length - done);
      this.memory.i32.set(rows.subarray(done, done + n), this.idsAt >> 2);
      this.kernels.codeGather(this.method, 0, this.codesAt, this.quantizer.codeBytes, this.len, this.idsAt, n, this.outAt, q.bias, q.scale, q.scale2, 0);
      out.set(this.memory.f32.subarray(at, at + n), done);
    }
  }

  /**
   * The `count` rows with the smallest estimated distances, by brute force
   * over every code, ascending by distance then row: the candidate set that
   * rescoring with float32 vectors then orders exactly.
   */
  nearest(count: number): Neighbor[] {
    count = Math.min(Math.floor(count), this.rows);
    if (!(count >= 1)) return [];
    const q = this.current();
    const top = new MaxHeap(count + 1);
    const at = this.outAt >> 2;
    for (let first = 0; first < this.rows; first += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, this.rows - first);
      this.kernels.codeScan(this.method, 0, this.codesAt, this.quantizer.codeBytes, this.len, first, n, this.outAt, q.bias, q.scale, q.scale2, 0);
      const f32 = this.memory.f32;
      for (let i = 0; i < n; i++) {
        const d = f32[at + i];
        if (top.size === count && !(d < top.topDistance())) continue;
        if (top.size === count) top.pop();
        top.push(d, first + i);
      }
    }
    return drainSorted(top);
  }

  /** Bytes of kernel memory held (codes, query image and scratch, page-rounded). */
  memoryBytes(): number {
    return this.memory.byteLength;
  }

  /** Drops the kernel memory; the scorer must not be used afterwards. */
  release(): void {
    this.memory.release();
    this.kernels = quantizedKernels(this.memory);
    this.prepared = null;
  }

  private current(): QueryCodes {
    if (this.prepared === null) throw new Error('CodeScorer: setQuery() first');
    return this.prepared;
  }
}
