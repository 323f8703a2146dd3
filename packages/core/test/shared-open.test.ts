import { spawnSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClosedError, LockError, OmenDB, ValidationError } from '../src/index.js';
import { databaseKey } from '../src/api/shared-databases.js';
import { tempDir } from './helpers/tmp.js';
import { DIST_INDEX } from './helpers/dist.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const lockExists = () => existsSync(join(dir, 'LOCK'));

describe('opening a directory this process already has open', () => {
  it('returns another handle on the same database; each close releases one, the last closes', async () => {
    const a = await OmenDB.open(dir);
    const b = await OmenDB.open(dir);
    expect(b).not.toBe(a);
    expect(b).toBeInstanceOf(OmenDB);
    const col = await a.createCollection({ name: 'c', dimension: 2 });
    await col.add({ ids: ['x'], embeddings: [[1, 2]] });
    expect((await (await b.getCollection('c')).get({ ids: ['x'] })).ids).toEqual(['x']);

    await a.close();
    await a.close(); // a second close of one handle releases nothing more
    await expect(a.listCollections()).rejects.toBeInstanceOf(ClosedError);
    expect(() => a.stats()).toThrow(ClosedError);
    expect((await b.listCollections()).map((c) => c.name)).toEqual(['c']);
    expect(lockExists()).toBe(true);

    await b.close();
    expect(lockExists()).toBe(false);
    const reopened = await OmenDB.open(dir);
    expect(await (await reopened.getCollection('c')).count()).toBe(1);
    await reopened.close();
  });

  it('shares through another spelling of the path (a symlink, a trailing slash)', async () => {
    symlinkSync(dir, `${dir}-link`);
    const handles = await Promise.all([OmenDB.open(dir), OmenDB.open(`${dir}-link`), OmenDB.open(`${dir}/`)]);
    await handles[0].createCollection({ name: 'c' });
    for (const h of handles) expect((await h.listCollections()).map((c) => c.name)).toEqual(['c']);
    for (const h of handles) await h.close();
    expect(lockExists()).toBe(false);
  });

  it('opens once when several opens race in this process', async () => {
    const handles = await Promise.all(Array.from({ length: 8 }, () => OmenDB.open(dir)));
    await handles[3].createCollection({ name: 'c' });
    expect((await handles[5].listCollections()).length).toBe(1);
    for (const h of handles.slice(1)) await h.close();
    expect(lockExists()).toBe(true);
    await handles[0].close();
    expect(lockExists()).toBe(false);
  });

  it('an open during the last close waits for it, then opens anew', async () => {
    const a = await OmenDB.open(dir);
    await a.createCollection({ name: 'c' });
    const closing = a.close();
    const b = await OmenDB.open(dir);
    await closing;
    expect((await b.listCollections()).map((c) => c.name)).toEqual(['c']);
    expect(lockExists()).toBe(true);
    await b.close();
  });

  it('refuses options that differ from the open database\'s (lockTimeoutMs aside)', async () => {
    const a = await OmenDB.open(dir, { durability: 'none' });
    await expect(OmenDB.open(dir)).rejects.toBeInstanceOf(ValidationError);
    await expect(OmenDB.open(dir, { durability: 'sync' })).rejects.toThrow(/already open in this process with options .*"durability":"none"/);
    await expect(OmenDB.open(dir, { durability: 'none', maxSegments: 3 })).rejects.toBeInstanceOf(ValidationError);
    const b = await OmenDB.open(dir, { durability: 'none', lockTimeoutMs: 1000 });
    await b.close();
    await a.close();
    expect(lockExists()).toBe(false);
  });

  it('refuses to share with another version of the package', async () => {
    const a = await OmenDB.open(dir);
    const registry = (globalThis as Record<symbol, Map<string, { version: string }>>)[Symbol.for('@omendb/core/open-databases@1')];
    // This directory's entry: other files of the same test worker may hold databases open too.
    const entry = registry.get(databaseKey(dir, undefined))!;
    const ours = entry.version;
    entry.version = '9.9.9';
    try {
      await expect(OmenDB.open(dir)).rejects.toThrow(new RegExp(`open in this process through @omendb/core 9\\.9\\.9, and this copy is ${ours.replace(/\./g, '\\.')}`));
      await expect(OmenDB.open(dir)).rejects.toBeInstanceOf(LockError);
    } finally {
      entry.version = ours;
    }
    await a.close();
  });

  it('still locks out another process while any handle is open', async () => {
    const a = await OmenDB.open(dir);
    const b = await OmenDB.open(dir);
    await a.close();
    const source = JSON.stringify(DIST_INDEX);
    const other = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import { OmenDB } from ${source};
      try { await OmenDB.open(${JSON.stringify(dir)}); console.log('OPENED'); } catch (e) { console.log(e.code); }`], { encoding: 'utf8' });
    expect(other.stdout.trim()).toBe('LOCKED');
    await b.close();
  });
});
