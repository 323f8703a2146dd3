import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockError } from '../src/index.js';
import { DirectoryLock } from '../src/fs/lock.js';
import { readLockStatus } from '../src/fs/lock-status.js';
import { NodeVfs } from '../src/fs/node-vfs.js';
import { currentProcess } from '../src/fs/process-identity.js';
import type { Vfs } from '../src/fs/vfs.js';
import { tempDir } from './helpers/tmp.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** The real file system without kernel locks: the LOCK record's identity alone decides. */
function identityOnly(): Vfs {
  const vfs = new NodeVfs();
  Object.defineProperty(vfs, 'tryLock', { value: undefined });
  return vfs;
}

const me = currentProcess();
const lockPath = () => join(dir, 'LOCK');
const writeRecord = (record: object | string | Buffer) =>
  writeFileSync(lockPath(), typeof record === 'string' || Buffer.isBuffer(record) ? record : JSON.stringify(record));
const tokenOnDisk = () => (JSON.parse(readFileSync(lockPath(), 'utf8')) as { token: string }).token;

/** Takes the lock through `vfs` and returns whether it was taken (released again at once). */
function takes(vfs: Vfs, path = dir): boolean {
  try {
    DirectoryLock.acquire(vfs, path).release();
    return true;
  } catch (err) {
    if (err instanceof LockError) return false;
    throw err;
  }
}

const valid = { pid: me.pid, host: me.host, token: 'other-holder', startTicks: me.startTicks, bootId: me.bootId, pidNamespace: me.pidNamespace, kernelLock: false };

describe('a damaged LOCK record is stale, never held forever', () => {
  const damaged: [string, object | string | Buffer][] = [
    ['host of the wrong type', { ...valid, host: 123 }],
    ['host missing', { pid: me.pid, token: 'x' }],
    ['pid a string', { ...valid, pid: String(me.pid) }],
    ['pid fractional', { ...valid, pid: 1.5 }],
    ['token missing', { pid: me.pid, host: me.host }],
    ['startTicks not a number', { ...valid, startTicks: 'soon' }],
    ['empty object', {}],
    ['a JSON array', '[1,2]'],
    ['not JSON', 'LOCK'],
    ['empty file', ''],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
    ['larger than any record', JSON.stringify({ ...valid, pad: 'x'.repeat(5000) })],
  ];
  it.each(damaged)('%s: the next opener takes it over, with or without kernel locks', (_, record) => {
    for (const vfs of [new NodeVfs(), identityOnly()]) {
      writeRecord(record);
      expect(readLockStatus(vfs, dir).state).toBe('stale');
      const lock = DirectoryLock.acquire(vfs, dir);
      expect(tokenOnDisk()).not.toBe('other-holder');
      lock.release();
    }
  });

  it('but a live holder whose record was overwritten with garbage keeps the lock (its kernel lock decides)', () => {
    const vfs = new NodeVfs();
    expect(vfs.tryLock, 'the kernel lock binding loads on this platform').toBeDefined();
    const held = DirectoryLock.acquire(vfs, dir);
    // Same inode, same kernel lock: only the bytes are damaged.
    writeRecord('garbage');
    symlinkSync(dir, `${dir}-again`);
    expect(takes(new NodeVfs(), `${dir}-again`)).toBe(false);
    expect(readLockStatus(vfs, dir).state).toBe('held');
    held.release();
  });
});

describe('without kernel locks, the recorded identity tells a live holder from a dead one', () => {
  const parent = process.ppid;
  const parentTicks = readFileSync(`/proc/${parent}/stat`, 'utf8').split(') ')[1].split(' ')[22 - 3];
  const cases: [string, object, 'held' | 'taken'][] = [
    ['a live process (its PID and start time)', { ...valid, pid: parent, startTicks: parentTicks }, 'held'],
    ['a reused PID (same PID, another start time)', { ...valid, pid: parent, startTicks: '1' }, 'taken'],
    ['this PID in an earlier incarnation (a restarted container\'s PID 1 in the same namespace)', { ...valid, startTicks: '1' }, 'taken'],
    ['a holder from before a reboot', { ...valid, pid: parent, startTicks: parentTicks, bootId: 'another-boot' }, 'taken'],
    ['a holder in another PID namespace (cannot be checked from here)', { ...valid, pid: parent, startTicks: '1', pidNamespace: 'pid:[1]' }, 'held'],
    ['a holder on another host (cannot be checked from here)', { ...valid, host: `not-${hostname()}`, startTicks: '1' }, 'held'],
    ['a record of an older version (PID and host only) naming a live process', { pid: parent, host: me.host, token: 'other-holder' }, 'held'],
  ];
  it.each(cases)('%s', (_, record, outcome) => {
    writeRecord(record);
    expect(readLockStatus(identityOnly(), dir).state).toBe(outcome === 'held' ? 'held' : 'stale');
    expect(takes(identityOnly()) ? 'taken' : 'held').toBe(outcome);
  });

  it('with kernel locks, a record that declares one no longer held is stale whatever its PID says', () => {
    writeRecord({ ...valid, pid: parent, startTicks: parentTicks, kernelLock: true });
    expect(takes(new NodeVfs())).toBe(true);
  });
});

describe('a LOCK held by this very process outside the shared registry', () => {
  it('is refused with a LockError that says so (another copy of the package that does not share)', () => {
    const held = DirectoryLock.acquire(new NodeVfs(), dir);
    symlinkSync(dir, `${dir}-again`);
    expect(() => DirectoryLock.acquire(new NodeVfs(), `${dir}-again`)).toThrow(
      new RegExp(`locked by process ${process.pid} on .* \\(this process, through another copy of @omendb/core`),
    );
    held.release();
  });
});

describe('the LOCK record', () => {
  it('names the holder with its start time, boot id and PID namespace (docs/format/lock.md)', () => {
    const lock = DirectoryLock.acquire(new NodeVfs(), dir);
    const record = JSON.parse(readFileSync(lockPath(), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(record).sort()).toEqual(['bootId', 'host', 'kernelLock', 'pid', 'pidNamespace', 'startTicks', 'token']);
    expect(record).toMatchObject({ pid: process.pid, host: hostname(), kernelLock: true });
    expect(record.startTicks).toMatch(/^\d+$/);
    expect(record.bootId).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.pidNamespace).toMatch(/^pid:\[\d+\]$/);
    lock.release();
  });
});
