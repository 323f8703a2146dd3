/**
 * Reads under concurrent writers, checkpoints and compactions, checked
 * against a model of the acknowledged state (fixtures/reliability-concurrent.ts).
 * Bounded form; the long form is concurrent-reads.long.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runConcurrent } from './fixtures/reliability-concurrent.js';
import { BASE_SEED } from './fixtures/reliability-report.js';
import { tempDir } from './helpers/tmp.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('concurrent reads', () => {
  it('every read matches the acknowledged state while writers, checkpoints and compactions run', async () => {
    const seed = BASE_SEED;
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const figures = await runConcurrent({ seed, dir, writers: 3, readers: 2, opsPerWriter: 60, idsPerWriter: 80, memtableLimitBytes: 64 << 10, minJobs: 4 });
    console.log(`seed ${seed}:`, JSON.stringify({ ...figures, violations: figures.violations.length }));
    expect(figures.violations, `seed ${seed}`).toEqual([]);
    expect(figures.readsDuringJobs, `seed ${seed}`).toBeGreaterThan(0);
    expect(figures.checkpoints + figures.compactions, `seed ${seed}`).toBeGreaterThanOrEqual(4);
  });
});
