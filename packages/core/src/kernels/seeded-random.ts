/**
 * Mulberry32 (Tommy Ettinger, public domain): a 32-bit-state generator,
 * fast and good enough for level assignment and test data. The same seed
 * always yields the same sequence on every platform.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Internal state, to resume the same sequence after a reload. */
  get current(): number {
    return this.state;
  }

  /** Resumes from a state read from {@link current}. */
  restore(state: number): void {
    this.state = state >>> 0;
  }
}
