import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LockError, OmenDB, ValidationError } from '../src/index.js';
import { buildChildTree, type ChildTree } from './fixtures/reliability-spawn.js';
import { startHolder, type Holder } from './helpers/lock-holder.js';
import { tempDir } from './helpers/tmp.js';

let dir: string;
let cleanup: () => void;
let tree: ChildTree;
let holder: Holder | undefined;
beforeAll(async () => {
  tree = await buildChildTree();
});
afterAll(() => tree?.cleanup());
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(async () => {
  holder?.child.kill('SIGKILL');
  await holder?.exited;
  holder = undefined;
  cleanup();
});

const hold = (mode: 'kernel' | 'identity' = 'kernel') => startHolder(process.execPath, [tree.script('reliability-lock-holder'), dir, mode]);

describe('OmenDB.open with lockTimeoutMs', () => {
  it('waits while another process holds the lock, and opens once that process closes the database', async () => {
    holder = await hold();
    const events: string[] = [];
    const opening = OmenDB.open(dir, { lockTimeoutMs: 10 * 60_000 }).then((db) => (events.push('opened'), db));
    // Several polls go by while the holder keeps the lock: the open must still be waiting.
    await sleep(300);
    expect(events).toEqual([]);
    await holder.close();
    const db = await opening;
    expect(events).toEqual(['opened']);
    await (await db.createCollection({ name: 'c', dimension: 2 })).add({ ids: ['a'], embeddings: [[1, 2]] });
    await db.close();
  });

  it('waits while another process holds the lock, and takes it over when that process is killed', async () => {
    holder = await hold();
    const opening = OmenDB.open(dir, { lockTimeoutMs: 10 * 60_000 });
    holder.child.kill('SIGKILL');
    await holder.exited;
    const db = await opening;
    await db.close();
  });

  it('fails with a LockError naming the holder, and what to do, when the time runs out', async () => {
    holder = await hold();
    const pid = holder.child.pid!;
    const waited = await OmenDB.open(dir, { lockTimeoutMs: 50 }).catch((err: unknown) => err);
    expect(waited).toBeInstanceOf(LockError);
    expect((waited as LockError).holder?.pid).toBe(pid);
    expect((waited as LockError).message).toMatch(new RegExp(`locked by process ${pid} on \\S+ \\(waited 50 ms\\): .*open it read-only \\(\\{ readOnly: true \\}\\) to read beside that writer, or wait: close the database in that process, or pass a larger lockTimeoutMs`));
    const atOnce = await OmenDB.open(dir).catch((err: unknown) => err);
    expect(atOnce).toBeInstanceOf(LockError);
    expect((atOnce as LockError).message).toMatch(new RegExp(`locked by process ${pid} on .*open it read-only .*or wait: .*pass \\{ lockTimeoutMs \\} to OmenDB.open to wait`));
    // The holder was never disturbed: it still closes cleanly and removes its LOCK.
    await holder.close();
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
  });

  it('refuses a negative or fractional lockTimeoutMs', async () => {
    await expect(OmenDB.open(dir, { lockTimeoutMs: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(OmenDB.open(dir, { lockTimeoutMs: 1.5 })).rejects.toBeInstanceOf(ValidationError);
  });
});
