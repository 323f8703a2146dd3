import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockError, OmenDB } from '../src/index.js';
import { FaultVfs } from '../src/fs/fault-vfs.js';
import { DirectoryLock } from '../src/fs/lock.js';
import { NodeVfs } from '../src/fs/node-vfs.js';
import { reportFigures } from './fixtures/reliability-report.js';
import { DIST_INDEX } from './helpers/dist.js';
import { tempDir } from './helpers/tmp.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

const script = (body: string) => `import { OmenDB } from ${JSON.stringify(DIST_INDEX)};\n${body}`;

describe('single writer', () => {
  it('a second open in the same process shares the database; the lock is released by the last close', async () => {
    const db = await OmenDB.open(dir);
    const again = await OmenDB.open(dir);
    await (await db.createCollection({ name: 'c', dimension: 2 })).add({ ids: ['a'], embeddings: [[1, 2]] });
    expect(await (await again.getCollection('c')).count()).toBe(1);
    await db.close();
    expect(existsSync(join(dir, 'LOCK')), 'one handle is still open').toBe(true);
    await again.close();
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
  });

  it('refuses an open from another process while held', async () => {
    const db = await OmenDB.open(dir);
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script(`
      try { await OmenDB.open(${JSON.stringify(dir)}); console.log('opened'); }
      catch (e) { console.log(e.code); }`)], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('LOCKED');
    await db.close();
  });

  it('takes over the lock of a killed process', async () => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', script(`
      await OmenDB.open(${JSON.stringify(dir)}); console.log('held'); setInterval(() => {}, 1000);`)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => proc.stdout.once('data', () => resolve()));
    expect(existsSync(join(dir, 'LOCK'))).toBe(true);
    await expect(OmenDB.open(dir)).rejects.toBeInstanceOf(LockError);
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
    const db = await OmenDB.open(dir);
    await db.close();
  });
});

describe('stale-lock takeover under every interleaving', () => {
  /** The pid of a process that has exited. */
  const deadPid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

  it('of three takers in one process is exclusive (deterministic: a second and third taker run inside each call of the first)', () => {
    // Three paths to one directory (symlinks), so the in-process check does not stop the second and third.
    const real = join(dir, 'db');
    mkdirSync(real);
    const [a, b, c] = ['a', 'b', 'c'].map((name) => {
      symlinkSync(real, join(dir, name));
      return join(dir, name);
    });
    const stale = JSON.stringify({ pid: deadPid, host: hostname(), token: 'killed-holder' });
    const count = new FaultVfs(new NodeVfs());
    writeFileSync(join(real, 'LOCK'), stale);
    DirectoryLock.acquire(count, b).release();
    let points = 0;
    for (let k = 1; k <= count.callCount; k++) {
      writeFileSync(join(real, 'LOCK'), stale);
      const holders: { name: string; lock: DirectoryLock }[] = [];
      const attempt = (name: string, path: string, vfs = new NodeVfs() as NodeVfs | FaultVfs) => {
        try {
          holders.push({ name, lock: DirectoryLock.acquire(vfs, path) });
        } catch (err) {
          expect(err, `call ${k}`).toBeInstanceOf(LockError);
        }
      };
      const interleaved = new FaultVfs(new NodeVfs(), {
        before: (call) => {
          if (call.index === k) attempt('A', a);
          if (call.index === k + 1) attempt('C', c);
        },
      });
      attempt('B', b, interleaved);
      expect(holders.length, `takers interleaved at call ${k}: ${holders.map((h) => h.name).join(', ')}`).toBeLessThanOrEqual(1);
      if (holders.length === 1) expect(readFileSync(join(real, 'LOCK'), 'utf8')).not.toContain('killed-holder');
      for (const h of holders) h.lock.release();
      points++;
    }
    reportFigures('locking: stale takeover interleavings', { interleavingPoints: points, takersPerPoint: 3, doubleHolders: 0 });
  });
});
