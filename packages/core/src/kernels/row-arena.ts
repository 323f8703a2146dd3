import type { KernelMemory } from './kernel-memory.js';

const ALIGN = 16;

/**
 * Capacity factor per growth. 1.5 rather than 2: a growing index (a
 * memtable) keeps at most a third of its rows' memory unused instead of
 * half, for copying each row about twice instead of once over its life
 * (a memcpy, against the ≈ 150 µs an HNSW insert costs).
 */
const GROWTH = 1.5;

/**
 * Bytes kept free under a growth ceiling: WebAssembly memory grows in whole
 * 64 KiB pages, so a layout ending just under the ceiling can round past it.
 */
const PAGE_SLACK = 65536;

function align(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/**
 * Lays out a {@link KernelMemory} as a fixed scratch area followed by
 * per-row regions that share one row capacity, then a tail:
 *
 *   [scratch][region 0: capacity × stride₀][region 1: capacity × stride₁]…[tail]
 *
 * Every region starts 16-byte aligned. When rows outgrow the capacity, the
 * capacity grows by {@link GROWTH}, the memory grows, and the tail and
 * regions 1… move up (highest first, so no move overwrites data not yet
 * moved). Region 0 never moves: put the largest one (the vectors) there.
 * The tail is a pool whose size does not follow the rows (an HNSW graph's
 * upper-level blocks): it grows at the end of the memory on its own, so
 * growing it moves nothing.
 */
export class RowArena {
  private offsets: number[];
  private rowCapacity = 0;
  private tailCapacity = 0;
  private ceilingBytes = Infinity;
  private ceilingPerRow = 0;

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

  /**
   * Caps later growth steps of the rows' capacity so that the memory, plus
   * `perRow` bytes per row of capacity held elsewhere (a memtable's ids and
   * metadata), stays within `bytes`: a growing memtable then fills up to its
   * limit instead of reaching it early with a 1.5× step of unused rows.
   * Rows that no longer fit grow the capacity past the ceiling as usual
   * (by {@link GROWTH}). Infinity (the default) sets no ceiling.
   */
  limitGrowth(bytes: number, perRow: number): void {
    this.ceilingBytes = bytes;
    this.ceilingPerRow = perRow;
  }

  /**
   * The largest row capacity whose memory fits the ceiling set by
   * {@link limitGrowth} (with room for the tail to grow once more); Infinity
   * without a ceiling. It may be below the current capacity.
   */
  capacityWithinLimit(): number {
    if (this.ceilingBytes === Infinity) return Infinity;
    // Each region ends at most ALIGN − 1 bytes past stride × capacity before the next starts aligned.
    let stride = 0;
    for (const s of this.strides) stride += s;
    const fixed = align(this.scratchBytes) + ALIGN * this.strides.length + Math.ceil(this.tailCapacity * GROWTH) + ALIGN + PAGE_SLACK;
    return Math.max(0, Math.floor((this.ceilingBytes - fixed) / (stride + this.ceilingPerRow)));
  }

  /** Byte offset of region `region` in the memory. */
  offset(region: number): number {
    return this.offsets[region];
  }

  /** Bytes allocated to region `region` (its stride × capacity). */
  regionBytes(region: number): number {
    return this.strides[region] * this.rowCapacity;
  }

  /** Byte offset of the tail (16-aligned); it moves when the rows' capacity grows. */
  tailOffset(): number {
    return this.tailAt(this.offsets, this.rowCapacity);
  }

  /** Bytes reserved for the tail. */
  tailBytes(): number {
    return this.tailCapacity;
  }

  /**
   * Makes the tail hold at least `bytes` (growing by {@link GROWTH}); its
   * contents are kept and bytes never written read as zero.
   */
  reserveTail(bytes: number): void {
    if (bytes <= this.tailCapacity) return;
    const capacity = align(Math.max(bytes, Math.ceil(this.tailCapacity * GROWTH)));
    this.memory.ensureBytes(this.tailOffset() + capacity);
    this.tailCapacity = capacity;
  }

  /**
   * Byte offset (16-aligned) of `bytes` of zeroed memory past the tail,
   * growing the memory if needed: working space of another thread for one
   * synchronous call (a batched query's search worker), laid out anew for
   * each call since it moves with the tail. The caller must zero what it
   * wrote before the arena next grows: growth takes every byte past the
   * tail's end to be zero. The memory stays allocated (WebAssembly memory
   * never shrinks) and counts in the memory's byte length.
   */
  pastTail(bytes: number): number {
    const at = align(this.tailOffset() + this.tailCapacity);
    this.memory.ensureBytes(at + bytes);
    return at;
  }

  /**
   * Makes room for `rows` rows; the first `usedRows` rows of each region are
   * kept, and the rest of each region reads as zero bytes. The tail moves
   * up whole. The capacity grows by {@link GROWTH}, at most to the ceiling
   * set by {@link limitGrowth} while `rows` fit under it.
   */
  reserve(usedRows: number, rows: number): void {
    if (rows <= this.rowCapacity) return;
    let capacity = Math.max(rows, Math.ceil(this.rowCapacity * GROWTH), 16);
    const within = this.capacityWithinLimit();
    if (within >= rows) capacity = Math.min(capacity, within);
    const next = this.layout(capacity);
    const last = this.strides.length - 1;
    // Nothing past the tail's end has been written: the memory only grows,
    // and grows zeroed, and the tail's end only moves up. Clearing only below
    // it spares a bulk load from touching (and faulting in) every fresh page twice.
    const tail = this.tailOffset();
    const written = tail + this.tailCapacity;
    const nextTail = this.tailAt(next, capacity);
    this.memory.ensureBytes(nextTail + this.tailCapacity);
    const u8 = this.memory.u8;
    if (this.tailCapacity > 0 && nextTail !== tail) u8.copyWithin(nextTail, tail, written);
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
    this.tailCapacity = 0;
    this.offsets = this.layout(0);
  }

  private tailAt(offsets: readonly number[], capacity: number): number {
    const last = this.strides.length - 1;
    return align(offsets[last] + this.strides[last] * capacity);
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
