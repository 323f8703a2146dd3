/**
 * PqQuantizer.memoryBytes() against measured memory (long tier: a child
 * process with --expose-gc per backend, 20 quantizers of d = 1024, m = 128
 * each; see fixtures/measure-pq-memory.ts). quantize-pq-memory.test.ts holds
 * the in-process accounting checks.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BACKENDS = ['js', 'wasm-simd'] as const;
const child = fileURLToPath(new URL('./fixtures/measure-pq-memory.ts', import.meta.url));

describe('PqQuantizer memory, measured', () => {
  for (const backend of BACKENDS) {
    it(`memoryBytes() matches the measured growth of heapUsed + external within 2 % (${backend})`, () => {
      const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, backend, '20'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const { reported, measured } = JSON.parse(r.stdout);
      expect(Math.abs(reported - measured) / measured, `reported ${reported}, measured ${measured}`).toBeLessThanOrEqual(0.02);
    });
  }
});
