/**
 * The memory of this process at a settled point, for the bench's
 * before/after-build deltas (bench/ann-worker.ts). Needs --expose-gc.
 *
 * Why "settled": after `gc()` V8 returns freed pages on background threads
 * and shrinks a large heap later still (its memory reducer: ≈ 30 MB, half a
 * second after the GC, measured with 100k rows held as number[] on Node
 * 20), and glibc trims its heaps lazily. An RSS read right after a GC can
 * count memory that leaves a moment later; a baseline read that way is too
 * high and shrinks the delta of the engine measured after it. So: full GC,
 * then full GCs every {@link SETTLE_PAUSE_MS} for at least
 * {@link SETTLE_MIN_MS}, until RSS has stayed within
 * {@link SETTLE_TOLERANCE_BYTES} for {@link SETTLE_QUIET_MS}.
 */
import { readFileSync } from 'node:fs';

export interface ProcessMemory {
  /** Resident set size (bytes). */
  rss: number;
  /** Anonymous resident memory (bytes; /proc/self/smaps_rollup `Anonymous`): RSS without mapped files and code. Null off Linux. */
  anonymous: number | null;
  /** V8 heap used + external (ArrayBuffers, WebAssembly memories Node counts there). */
  heapExternal: number;
}

const SETTLE_TOLERANCE_BYTES = 512 * 1024;
const SETTLE_PAUSE_MS = 100;
const SETTLE_QUIET_MS = 1500;
/**
 * No read before this: V8 shrinks a heap left by a GC later still, on its
 * own timer (measured, Node 20: heapTotal 36 → 4.5 MB 10 s after gc(), RSS
 * down another 30 MB by 20 s, with --no-memory-reducer too), so a read
 * that only waits for a quiet moment can come before it.
 */
const SETTLE_MIN_MS = 25_000;
const SETTLE_MAX_MS = 40_000;

const gc = (globalThis as { gc?: () => void }).gc;

function anonymousBytes(): number | null {
  try {
    const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kb = /^Anonymous:\s+(\d+) kB/m.exec(rollup);
    return kb ? Number(kb[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function read(): ProcessMemory {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return { rss: m.rss, anonymous: anonymousBytes(), heapExternal: m.heapUsed + m.external };
}

/** Full GC, then GCs and pauses for at least {@link SETTLE_MIN_MS}, until RSS stops moving (at most {@link SETTLE_MAX_MS}). */
export async function settledMemory(): Promise<ProcessMemory> {
  if (gc === undefined) throw new Error('run with --expose-gc');
  const started = performance.now();
  let last = read();
  let quietSince = performance.now();
  let reference = last.rss;
  while (performance.now() - started < SETTLE_MAX_MS) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_PAUSE_MS));
    last = read();
    if (Math.abs(last.rss - reference) > SETTLE_TOLERANCE_BYTES) {
      reference = last.rss;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= SETTLE_QUIET_MS && performance.now() - started >= SETTLE_MIN_MS) break;
  }
  return last;
}
