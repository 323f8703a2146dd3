/**
 * Files that go missing are reported, never taken for "no such data"
 * (catalog.md, wal.md "What OmenDB detects"): a deleted WAL, collection
 * directory, `collections/` or CATALOG is a CorruptionError naming it, as a
 * missing segment is. On an in-memory disk: each case damages a copy of the
 * image a killed writer left.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorruptionError, OmenDB } from '../src/index.js';
import { SimDisk } from '../src/fs/sim-disk.js';
import type { SimVfs } from '../src/fs/sim-vfs.js';
import { decodeDatabaseFile, encodeDatabaseFile, LEGACY_DATABASE_FORMAT_VERSION } from '../src/format/database-file.js';
import { DB, mount, recordBoundaries } from './fixtures/wal-verdict.js';

const vector = (i: number) => [i, 1, 2, 3];

/** Writes `n` records to collection `name` and leaves the image a killed writer would (no close, no checkpoint). */
async function killedWriter(disk: SimDisk, name: string, n: number, options: { checkpointFirst?: boolean; prefix?: string } = {}): Promise<SimDisk> {
  const db = await OmenDB.open(DB, { vfs: mount(disk) });
  try {
    const col = await db.getOrCreateCollection({ name, dimension: 4 });
    if (options.checkpointFirst) {
      await col.add({ ids: ['base'], embeddings: [vector(-1)] });
      await db.checkpoint();
    }
    for (let i = 0; i < n; i++) await col.add({ ids: [`${options.prefix ?? name}${i}`], embeddings: [vector(i)] });
    return disk.clone();
  } finally {
    await db.close();
  }
}

async function openError(vfs: SimVfs): Promise<CorruptionError> {
  const err = await OmenDB.open(DB, { vfs }).then(
    async (db) => {
      await db.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CorruptionError);
  return err as CorruptionError;
}

async function count(vfs: SimVfs, name: string): Promise<number> {
  const db = await OmenDB.open(DB, { vfs });
  try {
    return await (await db.getCollection(name)).count();
  } finally {
    await db.close();
  }
}

function collectionDir(vfs: SimVfs, index = 0): string {
  return join(DB, 'collections', vfs.list(`${DB}/collections`).sort()[index]);
}

let image: SimDisk;
beforeAll(async () => {
  // Two never-checkpointed collections of 24 records each, as a killed writer leaves them.
  image = await killedWriter(await killedWriter(new SimDisk(), 'a', 24), 'b', 24);
});

describe('missing files', () => {
  it('the image opens whole before any damage', async () => {
    expect(await count(mount(image.clone()), 'a')).toBe(24);
  });

  it('a deleted WAL of a never-checkpointed collection is a CorruptionError naming the WAL directory', async () => {
    const vfs = mount(image.clone());
    const wal = join(collectionDir(vfs), 'wal');
    for (const name of vfs.list(wal)) vfs.unlink(join(wal, name));
    const err = await openError(vfs);
    expect(err.file).toBe(wal);
  });

  it('a missing wal/ directory is a CorruptionError naming it', async () => {
    const vfs = mount(image.clone());
    const wal = join(collectionDir(vfs), 'wal');
    vfs.removeTree(wal);
    expect((await openError(vfs)).file).toBe(wal);
  });

  it('a deleted collection directory is a CorruptionError naming it', async () => {
    const vfs = mount(image.clone());
    const dir = collectionDir(vfs, 1);
    vfs.removeTree(dir);
    expect((await openError(vfs)).file).toBe(dir);
  });

  it('a deleted collections/ is a CorruptionError, not an empty database', async () => {
    const vfs = mount(image.clone());
    vfs.removeTree(`${DB}/collections`);
    expect((await openError(vfs)).file).toBe(`${DB}/collections`);
  });

  it('a deleted CATALOG is a CorruptionError naming it', async () => {
    const vfs = mount(image.clone());
    vfs.unlink(`${DB}/CATALOG`);
    expect((await openError(vfs)).file).toBe(`${DB}/CATALOG`);
  });

  it('a WAL cut to less than its header is a CorruptionError; cut at its header, the records since the last open are lost (documented)', async () => {
    for (const cut of [0, 7, 15]) {
      const vfs = mount(image.clone());
      const wal = join(collectionDir(vfs), 'wal');
      const [file] = vfs.list(wal);
      vfs.truncate(join(wal, file), cut);
      const err = await openError(vfs);
      expect([err.file, err.offset]).toEqual([join(wal, file), 0]);
    }
    const vfs = mount(image.clone());
    const wal = join(collectionDir(vfs), 'wal');
    // The newest file: the image may hold two (a kill after the writer's open replayed records and
    // started a new one), and cutting an older one to its header leaves a gap, which is corruption.
    const files = vfs.list(wal).sort();
    vfs.truncate(join(wal, files[files.length - 1]), 16);
    const db = await OmenDB.open(DB, { vfs });
    const names = (await db.listCollections()).map((c) => c.name);
    await db.close();
    expect(names.sort()).toEqual(['a', 'b']);
  });

  it('records replayed by an earlier open, then cut off at a record boundary, are a CorruptionError at the end of the cut file', async () => {
    // The second writer's open replayed a0..a23 and started a new WAL file after them.
    const disk = await killedWriter(image.clone(), 'a', 3, { prefix: 'later' });
    const vfs = mount(disk);
    const wal = join(collectionDir(vfs), 'wal');
    const files = vfs.list(wal).sort();
    expect(files.length).toBe(2);
    const first = join(wal, files[0]);
    const bounds = recordBoundaries(vfs.readFile(first));
    const cut = bounds[bounds.length - 3];
    vfs.truncate(first, cut);
    const err = await openError(vfs);
    expect([err.file, err.offset]).toEqual([first, cut]);
    expect(err.message).toMatch(/the log ends at LSN 22 here, the next file starts at LSN 25/);
  });

  it('a checkpointed collection with its WAL deleted stays a CorruptionError', async () => {
    const vfs = mount(await killedWriter(new SimDisk(), 'c', 3, { checkpointFirst: true }));
    const wal = join(collectionDir(vfs), 'wal');
    for (const name of vfs.list(wal)) vfs.unlink(join(wal, name));
    expect((await openError(vfs)).file).toBe(wal);
  });
});

describe('the set of collections across create, delete and reopen', () => {
  it('a directory the CATALOG does not name (a creation never published) is removed on open', async () => {
    const vfs = mount(image.clone());
    const stray = join(DB, 'collections', 'f'.repeat(32));
    vfs.mkdir(join(stray, 'wal'));
    const db = await OmenDB.open(DB, { vfs });
    expect((await db.listCollections()).map((c) => c.name)).toEqual(['a', 'b']);
    await db.close();
    expect(vfs.exists(stray)).toBe(false);
  });

  it('deleted and created collections reopen as they were left', async () => {
    const vfs = mount(image.clone());
    const db = await OmenDB.open(DB, { vfs });
    await db.deleteCollection('a');
    const c = await db.createCollection({ name: 'c', dimension: 2 });
    await c.add({ ids: ['x'], embeddings: [[1, 2]] });
    await db.close();
    const again = await OmenDB.open(DB, { vfs });
    expect((await again.listCollections()).map((col) => col.name)).toEqual(['b', 'c']);
    expect(await (await again.getCollection('c')).count()).toBe(1);
    await again.close();
    expect(vfs.list(`${DB}/collections`)).toHaveLength(2);
  });

  it('a format-1 database (no CATALOG) opens with its collections and is upgraded to format 2', async () => {
    const vfs = mount(image.clone());
    vfs.unlink(`${DB}/CATALOG`);
    vfs.unlink(`${DB}/FORMAT`);
    const fd = vfs.open(`${DB}/FORMAT`, 'wx');
    vfs.write(fd, encodeDatabaseFile(LEGACY_DATABASE_FORMAT_VERSION), 0);
    vfs.close(fd);
    expect(await count(vfs, 'b')).toBe(24);
    expect(decodeDatabaseFile(vfs.readFile(`${DB}/FORMAT`), 'FORMAT')).toBe(2);
    expect(vfs.exists(`${DB}/CATALOG`)).toBe(true);
    // Now format 2: a deleted collection directory is reported.
    vfs.removeTree(collectionDir(vfs));
    await openError(vfs);
  });
});
