import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OmenDB } from '../src/index.js';
import { hasDataset } from './helpers/datasets.js';
import { measure, offBy, QUANTIZERS } from './helpers/measure-memory.js';
import { tempDir } from './helpers/tmp.js';

describe.skipIf(!hasDataset('sift10k'))('stats() memory and disk against measurement, 10k SIFT vectors', () => {
  it('reports heapUsed + external growth within 5 % (float32)', () => {
    const m = measure(10_000, '"none"', true);
    // Whole 64 KiB WebAssembly pages hold the 5,120,000 bytes of vectors.
    expect(m.components.vectors).toBeGreaterThanOrEqual(10000 * 128 * 4);
    expect(m.components.vectors).toBeLessThan(10000 * 128 * 4 + 2 * 65536);
    expect(m.mapped).toBe(0);
    expect(offBy(m.reported, m.measured), `reported ${m.reported}, measured ${m.measured}`).toBeLessThanOrEqual(0.05);
    expect(offBy(m.diskBytes, m.fileBytes), `diskBytes ${m.diskBytes}, files ${m.fileBytes}`).toBeLessThanOrEqual(0.05);
  });

  // A quantized 10k collection holds 1.7–2.9 MB, all of it in typed arrays and WebAssembly memory
  // (`external`); unrelated V8 heap activity (bytecode, caches) moved heapUsed by −0.25…+0.26 MB
  // between runs of the same load (--expose-gc, full GCs), over 5 % of that. So at 10k the 5 % holds
  // external against the report and heapUsed to that noise; at 100k (memory-accounting-100k.long.test.ts)
  // heapUsed + external is held to 5 % as a whole.
  it.each(QUANTIZERS.slice(1))('quantization %s: external within 5 %, float32 vectors not resident, and the mapping as Node counts it', (q) => {
    const unmapped = measure(10_000, q, false);
    expect(unmapped.components.vectors).toBe(0);
    expect(unmapped.components.codes).toBeGreaterThan(0);
    expect(unmapped.mapped).toBe(0);
    expect(offBy(unmapped.reported, unmapped.external), `reported ${unmapped.reported}, external ${unmapped.external}`).toBeLessThanOrEqual(0.05);
    expect(Math.abs(unmapped.heap), `heapUsed moved ${unmapped.heap}`).toBeLessThanOrEqual(400_000);
    expect(offBy(unmapped.diskBytes, unmapped.fileBytes)).toBeLessThanOrEqual(0.05);
    // Mapped, Node counts the whole mapping in `external`; stats() reports it apart, as mappedBytes.
    const mapped = measure(10_000, q, true);
    expect(mapped.reported).toBe(unmapped.reported);
    expect(mapped.mapped).toBeGreaterThan(10_000 * 128 * 4);
    expect(offBy(mapped.reported + mapped.mapped, mapped.external), `reported ${mapped.reported} + mapped ${mapped.mapped}, external ${mapped.external}`).toBeLessThanOrEqual(0.05);
  });
});

describe("stats() memory of the WAL's in-memory buffer", () => {
  it("counts records buffered under durability 'none' until they are written", async () => {
    const { dir, cleanup } = tempDir();
    const db = await OmenDB.open(dir, { durability: 'none' });
    const col = await db.createCollection({ name: 'w', dimension: 4 });
    expect(col.stats().components.wal).toBe(0);
    await col.add({ ids: ['a', 'b'], embeddings: [[1, 2, 3, 4], [5, 6, 7, 8]], documents: ['x', 'y'] });
    const buffered = col.stats().components.wal;
    // Two float32 rows alone are 32 bytes; the record adds its header, ids and documents.
    expect(buffered).toBeGreaterThan(32);
    // Not on disk yet: the WAL file holds its header alone.
    expect(col.stats().diskComponents.wal).toBe(walFileBytes(dir));
    expect(walFileBytes(dir)).toBeLessThan(buffered);
    await db.checkpoint();
    expect(col.stats().components.wal).toBe(0);
    await db.close();
    cleanup();
  });
});

/** Bytes of the WAL files on disk under a database directory. */
function walFileBytes(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.parentPath.endsWith('wal')) bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return bytes;
}
