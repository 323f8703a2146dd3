/**
 * I/O errors: fail the N-th Vfs call with EIO (any call) or ENOSPC (calls
 * that allocate space) for every N through a workload — once, or from N on
 * (a disk that stays full). Nothing acknowledged may be lost, nothing may
 * succeed after the first failure, and the database must reopen (after a
 * restart and after a power loss). A short workload here
 * (fixtures/io-error-suite.ts; reliability-io.long.test.ts runs the CI one);
 * then a failed fdatasync, and a real, full tmpfs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IOError, OmenDB } from '../src/index.js';
import { FaultVfs } from '../src/fs/fault-vfs.js';
import { SimDisk } from '../src/fs/sim-disk.js';
import { SimVfs } from '../src/fs/sim-vfs.js';
import { ioErrorSuite } from './fixtures/io-error-suite.js';
import { ALL_IDS, DIM, ID_SPACE, Model, OpGenerator, runOp } from './fixtures/reliability-ops.js';
import { matchPrefix, readState, type Journal } from './fixtures/reliability-oracle.js';
import { BASE_SEED, reportFigures } from './fixtures/reliability-report.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

ioErrorSuite({ seeds: 1, ops: 8 });

describe('a failed WAL fdatasync', () => {
  it('fails the database: a call that logs nothing and other collections are refused afterwards', async () => {
    // Found by the long form: the failure was recorded by the WAL writer only, so a delete of
    // absent ids (which logs nothing) still reported success after it.
    let armed = false;
    const vfs = new FaultVfs(new SimVfs(new SimDisk()), { counts: (c) => armed && c.op === 'fdatasync', fail: { at: 1, code: 'EIO' } });
    const db = await OmenDB.open('/db', { vfs });
    const col = await db.createCollection({ name: 'c', dimension: 2 });
    armed = true;
    await expect(col.add({ ids: ['x'], embeddings: [[1, 2]] })).rejects.toBeInstanceOf(IOError);
    await expect(db.createCollection({ name: 'd', dimension: 2 })).rejects.toBeInstanceOf(IOError);
    await expect(col.delete({ ids: ['absent'] })).rejects.toBeInstanceOf(IOError);
    await expect(db.checkpoint()).rejects.toBeInstanceOf(IOError);
    await db.close().catch(() => undefined);
  });
});

/** Mounts a tmpfs of `size` at `dir`; false when this machine does not allow it (not root, no mount). */
function mountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status === 0;
}

describe('a real full disk', () => {
  const { dir: root, cleanup } = tempDir('omendb-enospc-');
  const mountPoint = join(root, 'mnt');
  const mounted = mountTmpfs(mountPoint, '256k');
  if (!mounted) {
    cleanup();
    console.log('[reliability] a real full disk: skipped, this machine does not allow mounting a tmpfs');
  }

  it.skipIf(!mounted)('ENOSPC on a 256 KiB tmpfs: the write fails with IOError, later ones are refused, all acknowledged survive', async () => {
    try {
      const dir = join(mountPoint, 'db');
      const rand = seededRandom(BASE_SEED);
      const db = await OmenDB.open(dir, { durability: 'sync', memtableLimitBytes: 1 << 20 });
      const col = await db.createCollection({ name: 'c', dimension: DIM });
      const gen = new OpGenerator(rand, new Model(), { idSpace: ID_SPACE, versionBase: 0, maxBatch: 12, checkpointRate: 0.01, compactRate: 0 });
      const journal: Journal = { ops: [], acked: new Set() };
      let failure: unknown;
      let refused = 0;
      for (let i = 0; i < 20_000 && refused < 3; i++) {
        const op = gen.next();
        journal.ops.push(op);
        try {
          await runOp(db, col, op);
          expect(failure, `call ${op.seq} succeeded after the disk filled up`).toBeUndefined();
          journal.acked.add(op.seq);
        } catch (err) {
          expect(err).toBeInstanceOf(IOError);
          if (failure) refused++;
          failure ??= err;
        }
      }
      expect(failure, 'the disk never filled up').toBeDefined();
      expect(String((failure as IOError).cause)).toContain('ENOSPC');
      await db.close().catch(() => undefined);
      // Free space (grow the tmpfs), reopen: every acknowledged call is there.
      expect(spawnSync('mount', ['-o', 'remount,size=8m', mountPoint]).status).toBe(0);
      const again = await OmenDB.open(dir);
      const actual = await readState(await again.getCollection('c'), [...ALL_IDS]);
      matchPrefix(new Model(), journal, actual);
      await again.close();
      reportFigures('a real full disk (tmpfs 256 KiB)', { calls: journal.ops.length, acknowledged: journal.acked.size, refusedAfter: refused, lost: 0 });
    } finally {
      spawnSync('umount', [mountPoint]);
      cleanup();
    }
  });
});
