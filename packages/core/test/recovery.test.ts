import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptionError, OmenDB } from '../src/index.js';
import { randomVectors, tempDir } from './helpers/tmp.js';
import { DIST_INDEX } from './helpers/dist.js';
import { spawnSync } from 'node:child_process';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** Writes three adds (LSN 1..3) in a child that exits without close(), so they live only in the WAL. */
async function walOnly(): Promise<string> {
  const src = DIST_INDEX;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
    import { OmenDB } from ${JSON.stringify(src)};
    const db = await OmenDB.open(${JSON.stringify(dir)});
    const col = await db.createCollection({ name: 'w', dimension: 4 });
    for (let i = 0; i < 3; i++) await col.add({ ids: ['r' + i], embeddings: [[i, 1, 2, 3]] });
    process.exit(0);`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const walDir = join(dir, 'collections', readdirSync(join(dir, 'collections'))[0], 'wal');
  const files = readdirSync(walDir).sort();
  return join(walDir, files[files.length - 1]);
}

describe('recovery', () => {
  it('replays the WAL after a crash', async () => {
    await walOnly();
    const db = await OmenDB.open(dir);
    expect((await (await db.getCollection('w')).get()).ids).toEqual(['r0', 'r1', 'r2']);
    await db.close();
  });

  it('truncates a torn tail record and keeps the records before it', async () => {
    const wal = await walOnly();
    const size = statSync(wal).size;
    truncateSync(wal, size - 5);
    const db = await OmenDB.open(dir);
    expect((await (await db.getCollection('w')).get()).ids).toEqual(['r0', 'r1']);
    await db.close();
  });

  it('treats trailing zeros (a torn extension) as a torn tail', async () => {
    const wal = await walOnly();
    appendFileSync(wal, Buffer.alloc(4096));
    const db = await OmenDB.open(dir);
    expect((await (await db.getCollection('w')).get()).ids).toEqual(['r0', 'r1', 'r2']);
    await db.close();
  });

  it('raises CorruptionError with file and offset for a flipped byte inside the log', async () => {
    const wal = await walOnly();
    const bytes = readFileSync(wal);
    bytes[16 + 20] ^= 0xff; // inside the first record's payload, with records after it
    writeFileSync(wal, bytes);
    const err = await OmenDB.open(dir).catch((e) => e);
    expect(err).toBeInstanceOf(CorruptionError);
    expect(err.file).toBe(wal);
    expect(err.offset).toBe(16);
    // The failed open released the lock.
    await expect(OmenDB.open(dir)).rejects.toBeInstanceOf(CorruptionError);
  });

  it('raises CorruptionError for a damaged segment and manifest', async () => {
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 's', dimension: 4 });
    await col.add({ ids: ['a', 'b'], embeddings: randomVectors(2, 4, 2) });
    await db.close();
    const cdir = join(dir, 'collections', readdirSync(join(dir, 'collections'))[0]);
    const seg = join(cdir, 'segments', '1', 'segment.bin');
    const bytes = readFileSync(seg);
    bytes[bytes.length - 3] ^= 1;
    writeFileSync(seg, bytes);
    const err = await OmenDB.open(dir).catch((e) => e);
    expect(err).toBeInstanceOf(CorruptionError);
    expect(err.file).toBe(seg);
    bytes[bytes.length - 3] ^= 1;
    writeFileSync(seg, bytes);
    const manifest = join(cdir, readdirSync(cdir).find((f) => f.startsWith('MANIFEST-'))!);
    const m = readFileSync(manifest);
    m[30] ^= 0x10;
    writeFileSync(manifest, m);
    const err2 = await OmenDB.open(dir).catch((e) => e);
    expect(err2).toBeInstanceOf(CorruptionError);
    expect(err2.file).toBe(manifest);
  });

  it('removes crash leftovers on open', async () => {
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'l', dimension: 2 });
    await col.add({ ids: ['a'], embeddings: [[1, 2]] });
    await db.close();
    const cdir = join(dir, 'collections', readdirSync(join(dir, 'collections'))[0]);
    writeFileSync(join(cdir, 'MANIFEST-00000000000000000099.tmp'), 'partial');
    mkdirSync(join(cdir, 'segments', '77.tmp'));
    mkdirSync(join(dir, 'collections', 'abc.tmp'));
    const db2 = await OmenDB.open(dir);
    expect(await (await db2.getCollection('l')).count()).toBe(1);
    await db2.close();
    expect(readdirSync(cdir).some((f) => f.endsWith('.tmp'))).toBe(false);
    expect(readdirSync(join(cdir, 'segments'))).toEqual(['1']);
    expect(readdirSync(join(dir, 'collections'))).toHaveLength(1);
  });
});
