import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { tempDir } from './tmp.js';

const child = fileURLToPath(new URL('../fixtures/measure-memory.ts', import.meta.url));

interface Measurement {
  reported: number;
  mapped: number;
  /** Growth of heapUsed + external. */
  measured: number;
  heap: number;
  external: number;
  components: Record<string, number>;
  diskBytes: number;
  fileBytes: number;
}

/** Runs the fixture in a child with --expose-gc (see fixtures/measure-memory.ts). */
export function measure(count: number, quantization: string, map: boolean): Measurement {
  const { dir, cleanup } = tempDir();
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', child, `${dir}/db`, String(count), quantization, map ? '1' : '0'], {
    encoding: 'utf8',
  });
  cleanup();
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Measurement;
}

/** Relative difference of `reported` from `measured`. */
export function offBy(reported: number, measured: number): number {
  return Math.abs(reported - measured) / measured;
}

export const QUANTIZERS = ['"none"', '"sq8"', '"binary"', '{"type":"pq","subvectors":32,"bits":8}'];
