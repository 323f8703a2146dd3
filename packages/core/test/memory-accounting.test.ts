import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasDataset } from './helpers/datasets.js';
import { tempDir } from './helpers/tmp.js';

const child = fileURLToPath(new URL('./fixtures/measure-memory.ts', import.meta.url));

describe('stats() memory against measurement', () => {
  it.skipIf(!hasDataset('sift10k'))('reports heapUsed + external growth within 5 % at 10k SIFT vectors', () => {
    const { dir, cleanup } = tempDir();
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, `${dir}/db`, '10000'], { encoding: 'utf8' });
    cleanup();
    expect(r.status, r.stderr).toBe(0);
    const { reported, measured, components } = JSON.parse(r.stdout);
    // Whole 64 KiB WebAssembly pages hold the 5,120,000 bytes of vectors.
    expect(components.vectors).toBeGreaterThanOrEqual(10000 * 128 * 4);
    expect(components.vectors).toBeLessThan(10000 * 128 * 4 + 2 * 65536);
    expect(Math.abs(reported - measured) / measured, `reported ${reported}, measured ${measured}`).toBeLessThanOrEqual(0.05);
  });
});
