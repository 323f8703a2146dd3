import type { KernelMemory } from './kernel-memory.js';

const ALIGN = 16;

/**
 * Capacity factor per growth. 1.5 rather than 2: a growing index (a
 * memtable) keeps at most a third of its rows' memory unused instead of
 * half, for copying each row about twice instead of once over its life
 * (a memcpy, against the ≈ 150 µs an HNSW insert costs).
 */
const GROWTH = 1.5;

function align(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/**
 * Lays out a {@link KernelMemory} as a fixed scratch area followed by
 * per-row regions that share one row capacity:
 *
 *   [scratch][region 0: capacity × stride₀][region 1: capacity × stride₁]…
 *
 * Every region starts 16-byte aligned. When rows outgrow the capacity, the
 * capacity grows by {@link GROWTH}, the memory grows, and regions 1… move
 * up (last first, so no move overwrites data not yet moved). Region 0 never
 * moves: put the largest one (the vectors) there.
 */
export class RowArena {
  private offsets: number[];
  private rowCapacity = 0;

  constructor(
    readonly memory: KernelMemory,
    readonly scratchBytes: number,
    private readonly strides: readonly number[],
    initialRows: number,
  ) {
    this.offsets = this.layout(0);
    this.reserve(0, Math.max(1, initialRows));
  }

  /** Rows every region can hold without growing. */
  get capacity(): number {
    return this.rowCapacity;
  }

  /** Byte offset of region `region` in the memory. */
  offset(region: number): number {
    return this.offsets[region];
  }

  /** Bytes allocated to region `region` (its stride × capacity). */
  regionBytes(region: number): number {
    return this.strides[region] * this.rowCapacity;
  }

  /**
   * Makes room for `rows` rows; the first `usedRows` rows of each region are
   * kept, and the rest of each region reads as zero bytes.
   */
  reserve(usedRows: number, rows: number): void {
    if (rows <= this.rowCapacity) return;
    const capacity = Math.max(rows, Math.ceil(this.rowCapacity * GROWTH), 16);
    const next = this.layout(capacity);
    const last = this.strides.length - 1;
    // Nothing past the current layout's end has been written: the memory only
    // grows, and grows zeroed. Clearing only below it spares a bulk load from
    // touching (and faulting in) every fresh page twice.
    const written = this.offsets[last] + this.strides[last] * this.rowCapacity;
    this.memory.ensureBytes(next[last] + this.strides[last] * capacity);
    const u8 = this.memory.u8;
    for (let r = last; r >= 0; r--) {
      const used = this.strides[r] * usedRows;
      if (next[r] !== this.offsets[r]) u8.copyWithin(next[r], this.offsets[r], this.offsets[r] + used);
      const end = Math.min(next[r] + this.strides[r] * capacity, written);
      if (next[r] + used < end) u8.fill(0, next[r] + used, end);
    }
    this.offsets = next;
    this.rowCapacity = capacity;
  }

  /** Forgets the layout after the memory was released: every region reads as 0 bytes. */
  release(): void {
    this.rowCapacity = 0;
    this.offsets = this.layout(0);
  }

  private layout(capacity: number): number[] {
    const offsets: number[] = [];
    let at = align(this.scratchBytes);
    for (const stride of this.strides) {
      offsets.push(at);
      at = align(at + stride * capacity);
    }
    return offsets;
  }
}
