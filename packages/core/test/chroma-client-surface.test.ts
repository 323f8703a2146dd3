import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AlreadyExistsError, ClosedError, NotFoundError, OmenDB, ValidationError } from '../src/index.js';
import { SimDisk } from '../src/fs/sim-disk.js';
import { SimVfs } from '../src/fs/sim-vfs.js';
import type { Vfs } from '../src/fs/vfs.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

const tmp = tempDir('omendb-chroma-surface-');
afterAll(tmp.cleanup);
let n = 0;
const freshDir = () => join(tmp.dir, `db${n++}`);

describe("Chroma's client surface", () => {
  it('object forms of get/delete/getOrCreate, listCollections({ limit, offset }), countCollections, heartbeat', async () => {
    const db = await OmenDB.open(freshDir());
    for (const name of ['c', 'a', 'b']) await db.createCollection({ name, embeddingFunction: null });
    expect((await db.getCollection({ name: 'b' })).name).toBe('b');
    await expect(db.getCollection({ name: 'zz' })).rejects.toThrow('collection "zz" does not exist');
    expect((await db.getOrCreateCollection({ name: 'a', metadata: { x: 1 } })).metadata).toBeNull();
    expect((await db.listCollections()).map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect((await db.listCollections({ limit: 2 })).map((c) => c.name)).toEqual(['a', 'b']);
    expect((await db.listCollections({ offset: 1, limit: 1 })).map((c) => c.name)).toEqual(['b']);
    await expect(db.listCollections({ limit: -1 })).rejects.toBeInstanceOf(ValidationError);
    expect(await db.countCollections()).toBe(3);
    await db.deleteCollection({ name: 'b' });
    await expect(db.deleteCollection({ name: 'b' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.countCollections()).toBe(2);
    expect(await db.heartbeat()).toBeGreaterThan(0);
    await db.close();
    await expect(db.heartbeat()).rejects.toBeInstanceOf(ClosedError);
  });

  it("Chroma's configuration argument sets the metric and HNSW parameters", async () => {
    const db = await OmenDB.open(freshDir());
    const col = await db.createCollection({ name: 'c', configuration: { hnsw: { space: 'cosine', max_neighbors: 8, ef_construction: 50, ef_search: 20 } } });
    expect(col.metric).toBe('cosine');
    expect(col.configuration).toEqual({ hnsw: { space: 'cosine', max_neighbors: 8, ef_construction: 50, ef_search: 20 } });
    await expect(db.createCollection({ name: 'd', metric: 'l2', configuration: { hnsw: { space: 'ip' } } })).rejects.toBeInstanceOf(ValidationError);
    await db.close();
  });

  it('rows() and include as in Chroma; peek({ limit }) returns embeddings', async () => {
    const db = await OmenDB.open(freshDir());
    const col = await db.createCollection({ name: 'c', embeddingFunction: null });
    await col.add({ ids: ['a', 'b'], embeddings: [[0, 0], [1, 1]], metadatas: [{ k: 1 }, null], documents: ['x', null] });
    const q = await col.query({ queryEmbeddings: [[0, 0]], nResults: 2, include: ['distances'] });
    expect(q.rows()).toEqual([
      [
        { id: 'a', distance: 0, document: undefined, metadata: undefined, embedding: undefined },
        { id: 'b', distance: 2, document: undefined, metadata: undefined, embedding: undefined },
      ],
    ]);
    const full = await col.query({ queryEmbeddings: [[0, 0]], nResults: 1, include: ['documents', 'metadatas', 'embeddings', 'distances'] });
    expect(full.rows()[0][0]).toEqual({ id: 'a', distance: 0, document: 'x', metadata: { k: 1 }, embedding: [0, 0] });
    const g = await col.get({ include: ['metadatas'] });
    expect(g.rows()).toEqual([
      { id: 'a', metadata: { k: 1 }, document: undefined, embedding: undefined },
      { id: 'b', metadata: null, document: undefined, embedding: undefined },
    ]);
    const p = await col.peek({ limit: 1 });
    expect(p.rows()).toEqual([{ id: 'a', metadata: { k: 1 }, document: 'x', embedding: [0, 0] }]);
    await db.close();
  });
});

describe('collection.modify', () => {
  it('renames and replaces metadata durably; a taken name or a changed index setting is refused', async () => {
    const dir = freshDir();
    const db = await OmenDB.open(dir);
    const col = await db.createCollection({ name: 'old', metadata: { 'hnsw:space': 'cosine', owner: 'me' }, embeddingFunction: null });
    await db.createCollection({ name: 'taken' });
    await col.add({ ids: ['a', 'b', 'c'], embeddings: [[1, 0], [0, 1], [1, 1]] });
    await db.checkpoint();
    await col.delete({ ids: ['b'] });
    await col.add({ ids: ['d'], embeddings: [[2, 1]] });
    await expect(col.modify({ name: 'taken' })).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(col.modify({ metadata: { 'hnsw:space': 'l2' } })).rejects.toBeInstanceOf(ValidationError);
    await expect(col.modify({ name: 'a/b' })).rejects.toBeInstanceOf(ValidationError);
    await col.modify({ name: 'new', metadata: { 'hnsw:space': 'cosine', owner: 'you' } });
    expect(col.name).toBe('new');
    expect(col.metadata).toEqual({ 'hnsw:space': 'cosine', owner: 'you' });
    await expect(db.getCollection('old')).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.getCollection('new')).toBe(col);
    await col.add({ ids: ['e'], embeddings: [[3, 1]] });
    await db.close();

    const again = await OmenDB.open(dir);
    expect((await again.listCollections()).map((c) => c.name)).toEqual(['new', 'taken']);
    const renamed = await again.getCollection('new');
    expect(renamed.metadata).toEqual({ 'hnsw:space': 'cosine', owner: 'you' });
    expect((await renamed.get()).ids.sort()).toEqual(['a', 'c', 'd', 'e']);
    await again.close();
  });

  it('after a power loss at any step of a rename, the collection is there under the old or the new name with every acknowledged record', async () => {
    const seed = 1234;
    const rand = seededRandom(seed);
    let step = 0;
    for (; ; step++) {
      const disk = new SimDisk();
      const db = await OmenDB.open('/db', { vfs: new SimVfs(disk) });
      const col = await db.createCollection({ name: 'old', embeddingFunction: null });
      await col.add({ ids: ['a', 'b'], embeddings: [[1, 0], [0, 1]] });
      await db.checkpoint();
      await col.delete({ ids: ['a'] });
      await col.add({ ids: ['c'], embeddings: [[1, 1]] });
      // Count the file-system calls of the rename and cut the power before call number `step`.
      let calls = 0;
      const cut = new Proxy(new SimVfs(disk), {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (calls++ === step) disk.powerLoss({ mode: 'random', random: rand });
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      }) as Vfs;
      (col as unknown as { store: { vfs: Vfs } }).store.vfs = cut;
      const done = await col.modify({ name: 'new' }).then(
        () => true,
        () => false,
      );
      if (done) disk.powerLoss({ mode: 'random', random: rand });
      // The process "died" with the machine: release its in-process lock, and the reboot makes its LOCK file stale.
      await db.close().catch(() => undefined);
      const mount = new SimVfs(disk);
      if (mount.exists('/db/LOCK')) mount.unlink('/db/LOCK');
      const after = await OmenDB.open('/db', { vfs: mount });
      const names = (await after.listCollections()).map((c) => c.name);
      expect(names.length, `seed ${seed}, power cut before call ${step}: ${JSON.stringify(names)}`).toBe(1);
      if (done) expect(names, `seed ${seed}: acknowledged rename lost`).toEqual(['new']);
      expect((await (await after.getCollection(names[0])).get()).ids.sort(), `seed ${seed}, step ${step}`).toEqual(['b', 'c']);
      await after.close();
      if (done) break;
    }
    expect(step).toBeGreaterThan(3);
  });
});
