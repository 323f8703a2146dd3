/**
 * The test tools themselves: the simulated disk must keep exactly what POSIX
 * promises after an fsync and nothing more, and the fault injector must fail
 * exactly the call it is told to. If either were lenient, the power-loss and
 * I/O-error tests would pass vacuously.
 */
import { describe, expect, it } from 'vitest';
import { FaultVfs } from '../src/fs/fault-vfs.js';
import { SimDisk } from '../src/fs/sim-disk.js';
import { SimVfs } from '../src/fs/sim-vfs.js';
import { seededRandom } from './helpers/tmp.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function disk(): { disk: SimDisk; vfs: SimVfs } {
  const d = new SimDisk();
  const vfs = new SimVfs(d);
  vfs.mkdir('/d');
  return { disk: d, vfs };
}

function writeFile(vfs: SimVfs | FaultVfs, path: string, content: string): number {
  const fd = vfs.open(path, 'a');
  vfs.write(fd, bytes(content));
  return fd;
}

describe('SimDisk', () => {
  it('loses a file whose data was synced but whose name was not', async () => {
    const { disk: d, vfs } = disk();
    await vfs.fdatasync(writeFile(vfs, '/d/f', 'data'));
    d.powerLoss({ mode: 'drop' });
    expect(new SimVfs(d).exists('/d/f')).toBe(false);
  });

  it('keeps synced bytes and drops the unsynced ones once the name is synced', async () => {
    const { disk: d, vfs } = disk();
    const fd = writeFile(vfs, '/d/f', 'synced');
    await vfs.fdatasync(fd);
    await vfs.fsyncDirectory('/d');
    vfs.write(fd, bytes(' lost'));
    d.powerLoss({ mode: 'drop' });
    expect(text(new SimVfs(d).readFile('/d/f'))).toBe('synced');
  });

  it('undoes an unsynced rename over a file as a whole, and keeps a synced one', async () => {
    const { disk: d, vfs } = disk();
    await vfs.fdatasync(writeFile(vfs, '/d/old', 'old'));
    await vfs.fdatasync(writeFile(vfs, '/d/new.tmp', 'new'));
    await vfs.fsyncDirectory('/d');
    vfs.rename('/d/new.tmp', '/d/old');
    d.powerLoss({ mode: 'drop' });
    const after = new SimVfs(d);
    expect(after.list('/d')).toEqual(['new.tmp', 'old']);
    expect(text(after.readFile('/d/old'))).toBe('old');
    after.rename('/d/new.tmp', '/d/old');
    await after.fsyncDirectory('/d');
    d.powerLoss({ mode: 'drop' });
    expect(text(new SimVfs(d).readFile('/d/old'))).toBe('new');
  });

  it('makes a created directory durable (the Vfs mkdir contract)', () => {
    const { disk: d, vfs } = disk();
    vfs.mkdir('/d/a/b');
    d.powerLoss({ mode: 'drop' });
    expect(new SimVfs(d).isDirectory('/d/a/b')).toBe(true);
  });

  it("in 'random' mode keeps an in-order prefix of unsynced appends, the first lost one possibly torn", async () => {
    const rand = seededRandom(7);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { disk: d, vfs } = disk();
      const fd = writeFile(vfs, '/d/f', 'A');
      await vfs.fdatasync(fd);
      await vfs.fsyncDirectory('/d');
      for (const chunk of ['BB', 'CC', 'DD']) vfs.write(fd, bytes(chunk));
      d.powerLoss({ mode: 'random', random: rand });
      const got = text(new SimVfs(d).readFile('/d/f'));
      // A prefix of ABBCCDD, possibly followed by zeros (size reached the disk before the data).
      expect('ABBCCDD'.startsWith(got.replace(/\0+$/, '')), JSON.stringify(got)).toBe(true);
      seen.add(got);
    }
    expect(seen.size).toBeGreaterThan(4);
  });

  it('refuses every call on a mount from before the power loss', async () => {
    const { disk: d, vfs } = disk();
    const sync = vfs.fdatasync(writeFile(vfs, '/d/f', 'x'));
    d.powerLoss({ mode: 'drop' });
    await expect(sync).rejects.toMatchObject({ code: 'EIO' });
    expect(() => vfs.list('/d')).toThrow(/lost power/);
  });
});

describe('FaultVfs', () => {
  it('fails exactly the N-th counted call, with a short write, once or from then on', () => {
    for (const persistent of [false, true]) {
      const { vfs: inner } = disk();
      const vfs = new FaultVfs(inner, { fail: { at: 3, code: 'ENOSPC', persistent }, counts: (c) => c.op === 'write' });
      const fd = vfs.open('/d/f', 'a');
      vfs.write(fd, bytes('11'));
      vfs.write(fd, bytes('22'));
      expect(() => vfs.write(fd, bytes('3333'))).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
      const next = () => vfs.write(fd, bytes('44'));
      if (persistent) expect(next).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
      else next();
      expect(text(inner.readFile('/d/f'))).toBe(persistent ? '1122334' : '11223344');
      expect(vfs.injected.map((c) => c.index)).toEqual(persistent ? [3, 4] : [3]);
    }
  });

  it('skips the flushes a negative control names, and reports success', async () => {
    const { disk: d, vfs: inner } = disk();
    const vfs = new FaultVfs(inner, { skipSync: (c) => c.op === 'fsyncDirectory' });
    await vfs.fdatasync(writeFile(vfs, '/d/f', 'x'));
    await vfs.fsyncDirectory('/d');
    d.powerLoss({ mode: 'drop' });
    expect(new SimVfs(d).exists('/d/f')).toBe(false);
  });
});
