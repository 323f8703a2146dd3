import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '../../src/kernels/seeded-random.js';

/** A fresh temporary directory; remove it with the returned function. */
export function tempDir(prefix = 'omendb-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The tests' one seeded PRNG: mulberry32, the generator the engine uses
 * (src/kernels/seeded-random.ts), so every test prints and reuses its seed.
 * Uniform in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

/** n seeded random vectors of `dim` values in [-1, 1). */
export function randomVectors(n: number, dim: number, seed: number): number[][] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => Array.from({ length: dim }, () => rand() * 2 - 1));
}
