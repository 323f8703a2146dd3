import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OmenDB } from '../src/index.js';
import { tempDir } from './helpers/tmp.js';

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
