/**
 * Read-only opens (docs/format/readers.md) in one process: a reader is a
 * database of its own beside the writer, following the files as another
 * process would. The cross-process runs are in readers-process.test.ts and
 * readers.long.test.ts.
 */
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Knn, Search } from 'chromadb-search';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClosedError, NotFoundError, OmenDB, ReadOnlyError, ValidationError } from '../src/index.js';
import { NodeVfs } from '../src/fs/node-vfs.js';
import { tempDir } from './helpers/tmp.js';

let dir: string;
let cleanup: () => void;
const open: OmenDB[] = [];
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
  cleanup();
});

async function writer(path = dir): Promise<OmenDB> {
  const db = await OmenDB.open(path, { durability: 'os' });
  open.push(db);
  return db;
}
async function reader(options: { readConsistencyIntervalMs?: number } = {}, path = dir): Promise<OmenDB> {
  const db = await OmenDB.open(path, { readOnly: true, ...options });
  open.push(db);
  return db;
}
const ids = async (db: OmenDB, name = 'c') => (await (await db.getCollection(name)).get({ include: [] })).ids.sort();
const vec = (i: number) => [i, i + 1, i * 2];

describe('a read-only open', () => {
  it('sees every write acknowledged before it opened, and writes nothing', async () => {
    const w = await writer();
    const c = await w.createCollection({ name: 'c', dimension: 3 });
    await c.add({ ids: ['a', 'b', 'c'], embeddings: [vec(1), vec(2), vec(3)], metadatas: [{ n: 1 }, { n: 2 }, { n: 3 }] });
    await w.checkpoint();
    await c.delete({ ids: ['b'] });
    await c.upsert({ ids: ['d'], embeddings: [vec(4)] });
    await c.update({ ids: ['a'], metadatas: [{ n: 10 }] });
    const before = snapshotFiles(dir);
    const r = await reader();
    expect(await ids(r)).toEqual(['a', 'c', 'd']);
    const got = await (await r.getCollection('c')).get({ ids: ['a'], include: ['metadatas', 'embeddings'] });
    expect(got.metadatas).toEqual([{ n: 10 }]);
    expect(got.embeddings).toEqual([vec(1)]);
    const q = await (await r.getCollection('c')).query({ queryEmbeddings: [vec(4)], nResults: 1 });
    expect(q.ids).toEqual([['d']]);
    // No LOCK taken, no file created, cut or removed.
    expect(snapshotFiles(dir)).toEqual(before);
  });

  it('raises ReadOnlyError (code READ_ONLY) for every write, and writes nothing', async () => {
    const w = await writer();
    await (await w.createCollection({ name: 'c', dimension: 3 })).add({ ids: ['a'], embeddings: [vec(1)] });
    const r = await reader();
    const c = await r.getCollection('c');
    const before = snapshotFiles(dir);
    const attempts: Promise<unknown>[] = [
      c.add({ ids: ['x'], embeddings: [vec(9)] }),
      c.upsert({ ids: ['a'], embeddings: [vec(9)] }),
      c.update({ ids: ['a'], metadatas: [{ n: 1 }] }),
      c.delete({ ids: ['a'] }),
      c.modify({ name: 'renamed' }),
      c.compact(),
      r.createCollection({ name: 'd', dimension: 2 }),
      r.getOrCreateCollection({ name: 'e', dimension: 2 }),
      r.deleteCollection('c'),
      r.checkpoint(),
    ];
    for (const attempt of attempts) {
      const err = await attempt.then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ReadOnlyError);
      expect((err as ReadOnlyError).code).toBe('READ_ONLY');
    }
    expect(snapshotFiles(dir)).toEqual(before);
    expect(await ids(r)).toEqual(['a']);
  });

  it('throws NotFoundError for a directory without a database, and creates nothing', async () => {
    const missing = join(dir, 'nothing-here');
    await expect(OmenDB.open(missing, { readOnly: true })).rejects.toBeInstanceOf(NotFoundError);
    expect(existsSync(missing)).toBe(false);
  });

  it('takes readConsistencyIntervalMs only with readOnly', async () => {
    await expect(OmenDB.open(dir, { readConsistencyIntervalMs: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(OmenDB.open(dir, { readOnly: true, readConsistencyIntervalMs: -1 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('is shared between read-only opens, and kept apart from the writer of this process', async () => {
    const w = await writer();
    const c = await w.createCollection({ name: 'c', dimension: 3 });
    const r1 = await reader();
    const r2 = await reader();
    await c.add({ ids: ['a'], embeddings: [vec(1)] });
    // Apart from the writer: the reader sees the write only after a refresh. Shared: one refresh serves both handles.
    expect(await ids(r1)).toEqual([]);
    await r2.refresh();
    expect(await ids(r1)).toEqual(['a']);
    await expect(OmenDB.open(dir, { readOnly: true, readConsistencyIntervalMs: 0 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('catching up', () => {
  it('refresh() applies later writes, across checkpoints and compactions that delete the files the reader had', async () => {
    const w = await writer();
    const c = await w.createCollection({ name: 'c', dimension: 3 });
    await c.add({ ids: ['a', 'b'], embeddings: [vec(1), vec(2)], metadatas: [{ n: 1 }, { n: 2 }] });
    await w.checkpoint();
    const r = await reader();
    const rc = await r.getCollection('c');
    await c.add({ ids: ['c'], embeddings: [vec(3)] });
    await c.delete({ ids: ['a'] });
    expect(await ids(r)).toEqual(['a', 'b']);
    await r.refresh();
    expect(await ids(r)).toEqual(['b', 'c']);
    // A checkpoint, then an update of a row in a segment the reader keeps across the reload:
    // the update must merge with the stored record, not find it already dead.
    await w.checkpoint();
    await c.update({ ids: ['b'], metadatas: [{ m: 7 }] });
    await r.refresh();
    await c.add({ ids: ['d'], embeddings: [vec(4)] });
    await w.checkpoint();
    await r.refresh();
    expect((await rc.get({ ids: ['b'], include: ['metadatas', 'embeddings'] })).metadatas).toEqual([{ n: 2, m: 7 }]);
    expect(await ids(r)).toEqual(['b', 'c', 'd']);
    // Compaction rewrites every segment and removes the old files: the reader keeps answering, then moves over.
    await c.compact();
    expect(readdirSync(join(collectionDir(dir), 'segments'))).toHaveLength(1);
    expect(await rc.count()).toBe(3);
    expect((await rc.query({ queryEmbeddings: [vec(4)], nResults: 1 })).ids).toEqual([['d']]);
    await r.refresh();
    expect(await rc.count()).toBe(3);
    expect((await rc.get({ ids: ['b'], include: ['embeddings'] })).embeddings).toEqual([vec(2)]);
  });

  it('readConsistencyIntervalMs 0 catches up before every read', async () => {
    const w = await writer();
    const c = await w.createCollection({ name: 'c', dimension: 3 });
    const eager = await reader({ readConsistencyIntervalMs: 0 });
    for (let i = 0; i < 5; i++) {
      await c.add({ ids: [`x${i}`], embeddings: [vec(i)] });
      expect(await (await eager.getCollection('c')).count()).toBe(i + 1);
    }
    await w.checkpoint();
    await c.delete({ ids: ['x0'] });
    expect(await (await eager.getCollection('c')).count()).toBe(4);
    // The Search API catches up too.
    await c.add({ ids: ['near'], embeddings: [[100, 100, 100]] });
    const found = await (await eager.getCollection('c')).search(new Search().rank(Knn({ query: [100, 100, 100], limit: 1 })).limit(1));
    expect(found.ids).toEqual([['near']]);
  });

  it('with a long readConsistencyIntervalMs, reads keep the state of the last catch-up until refresh()', async () => {
    const w = await writer();
    const c = await w.createCollection({ name: 'c', dimension: 3 });
    const lazy = await reader({ readConsistencyIntervalMs: 3_600_000 });
    await c.add({ ids: ['a'], embeddings: [vec(1)] });
    expect(await ids(lazy)).toEqual([]);
    await lazy.refresh();
    expect(await ids(lazy)).toEqual(['a']);
  });

  it('follows collections the writer creates, renames and deletes', async () => {
    const w = await writer();
    const a = await w.createCollection({ name: 'a', dimension: 3 });
    const r = await reader();
    const ra = await r.getCollection('a');
    const b = await w.createCollection({ name: 'b', dimension: 3 });
    await b.add({ ids: ['y'], embeddings: [vec(1)] });
    await a.modify({ name: 'a2' });
    await w.deleteCollection('b');
    await w.createCollection({ name: 'b', dimension: 2 });
    await r.refresh();
    expect((await r.listCollections()).map((x) => x.name).sort()).toEqual(['a2', 'b']);
    expect(ra.name).toBe('a2');
    expect(await (await r.getCollection('b')).count()).toBe(0);
    await w.deleteCollection('a2');
    await r.refresh();
    await expect(ra.count()).rejects.toBeInstanceOf(ClosedError);
  });

  it('starts over from the newer manifest when the writer removes the files of the one it is loading', async () => {
    // Two published states of one database: A (two segments), then B (compacted: one new segment, A's removed).
    const source = join(dir, 'source');
    const w = await writer(source);
    const c = await w.createCollection({ name: 'c', dimension: 3 });
    await c.add({ ids: ['a', 'b'], embeddings: [vec(1), vec(2)] });
    await w.checkpoint();
    await c.add({ ids: ['c'], embeddings: [vec(3)] });
    await w.checkpoint();
    const stateA = join(dir, 'a');
    cpSync(source, stateA, { recursive: true });
    await c.delete({ ids: ['a'] });
    await c.compact();
    const stateB = join(dir, 'b');
    cpSync(source, stateB, { recursive: true });
    // The reader reads A's manifest; right then the "writer" publishes B and removes A's segments.
    const live = join(dir, 'live');
    cpSync(stateA, live, { recursive: true });
    const vfs = new NodeVfs();
    let swapped = false;
    const readFile = vfs.readFile.bind(vfs);
    vfs.readFile = (path: string, maxBytes?: number) => {
      const bytes = readFile(path, maxBytes);
      if (!swapped && /MANIFEST-\d+$/.test(path)) {
        swapped = true;
        rmSync(join(live, 'collections'), { recursive: true });
        cpSync(join(stateB, 'collections'), join(live, 'collections'), { recursive: true });
      }
      return bytes;
    };
    const r = await OmenDB.open(live, { readOnly: true, vfs });
    open.push(r);
    expect(swapped).toBe(true);
    expect(await ids(r)).toEqual(['b', 'c']);
  });

  it('starts over when the writer drops a WAL file the current manifest covers while the reader lists and reads the log', async () => {
    const source = join(dir, 'source');
    const w = await writer(source);
    const c = await w.createCollection({ name: 'c', dimension: 3 });
    await c.add({ ids: ['a'], embeddings: [vec(1)] });
    const walDir = join(collectionDir(source), 'wal');
    const saved = join(dir, 'saved-wal');
    cpSync(walDir, saved, { recursive: true });
    await w.checkpoint();
    await c.add({ ids: ['b'], embeddings: [vec(2)] });
    // As a crash between publishing the manifest and dropping the covered file leaves it (wal.md).
    const covered = readdirSync(saved)[0];
    cpSync(join(saved, covered), join(walDir, covered));
    const vfs = new NodeVfs();
    let dropped = false;
    const list = vfs.list.bind(vfs);
    vfs.list = (path: string) => {
      const names = list(path);
      if (!dropped && path === walDir) {
        dropped = true;
        rmSync(join(walDir, covered));
      }
      return names;
    };
    const r = await OmenDB.open(source, { readOnly: true, vfs });
    open.push(r);
    expect(dropped).toBe(true);
    expect(await ids(r)).toEqual(['a', 'b']);
  });

  it('stops before a record still being appended, without cutting it, and reads it once whole', async () => {
    const source = join(dir, 'source');
    const w = await writer(source);
    const c = await w.createCollection({ name: 'c', dimension: 3 });
    await c.add({ ids: ['a'], embeddings: [vec(1)] });
    const sizeBefore = statSync(walFile(source)).size;
    await c.add({ ids: ['b'], embeddings: [vec(2)] });
    // A copy of the directory whose last record is cut in two, as a reader may find a live append.
    const copy = join(dir, 'copy');
    cpSync(source, copy, { recursive: true });
    const wal = walFile(copy);
    const record = readFileSync(wal).subarray(sizeBefore);
    truncateSync(wal, sizeBefore);
    appendFileSync(wal, record.subarray(0, 20));
    const r = await reader({}, copy);
    expect(await ids(r)).toEqual(['a']);
    expect(statSync(wal).size).toBe(sizeBefore + 20);
    await r.refresh();
    expect(await ids(r)).toEqual(['a']);
    appendFileSync(wal, record.subarray(20));
    await r.refresh();
    expect(await ids(r)).toEqual(['a', 'b']);
  });
});

function collectionDir(db: string): string {
  const collections = join(db, 'collections');
  return join(collections, readdirSync(collections)[0]);
}

function walFile(db: string): string {
  const walDir = join(collectionDir(db), 'wal');
  const names = readdirSync(walDir).sort();
  return join(walDir, names[names.length - 1]);
}

/** Every path under `root` with its size and modification time. */
function snapshotFiles(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else out[p] = `${s.size}@${s.mtimeMs}`;
    }
  };
  walk(root);
  return out;
}
