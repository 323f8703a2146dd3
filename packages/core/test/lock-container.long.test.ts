/**
 * A writer in a container is PID 1 of its PID namespace: killed with -9 and
 * restarted, it is PID 1 again, so a LOCK naming "process 1" cannot be judged
 * by its PID. `unshare -p -f --mount-proc` makes such a namespace (root only).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildChildTree, type ChildTree } from './fixtures/reliability-spawn.js';
import { startHolder, type Holder } from './helpers/lock-holder.js';
import { tempDir } from './helpers/tmp.js';

const probe = spawnSync('unshare', ['-p', '-f', '--mount-proc', 'true'], { encoding: 'utf8' });
const unshareError = probe.error?.message ?? (probe.status === 0 ? undefined : probe.stderr.trim() || `exit ${probe.status}`);
if (unshareError) console.warn(`lock-container: skipped, \`unshare -p -f --mount-proc\` is unavailable here (${unshareError})`);

let dir: string;
let cleanup: () => void;
let tree: ChildTree;
const holders: Holder[] = [];
beforeAll(async () => {
  if (!unshareError) tree = await buildChildTree();
});
afterAll(() => tree?.cleanup());
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(async () => {
  for (const h of holders.splice(0)) {
    h.child.kill('SIGKILL');
    await h.exited;
  }
  cleanup();
});

/** Opens `dir` in a process that is PID 1 of a new PID namespace. */
async function openAsPid1(mode: 'kernel' | 'identity'): Promise<Holder> {
  const holder = await startHolder('unshare', ['-p', '-f', '--mount-proc', process.execPath, tree.script('reliability-lock-holder'), dir, mode]);
  holders.push(holder);
  return holder;
}

/** The host PID of the namespace's PID 1: the one child of `unshare -f`. */
function pid1Of(holder: Holder): number {
  const unsharePid = holder.child.pid!;
  const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(' ');
  expect(children).toHaveLength(1);
  return Number(children[0]);
}

describe.skipIf(unshareError !== undefined)('a writer that is PID 1 of a PID namespace', () => {
  it('killed with -9 and restarted as PID 1, opens again (the kernel dropped the dead writer\'s lock)', async () => {
    const first = await openAsPid1('kernel');
    const record = JSON.parse(readFileSync(join(dir, 'LOCK'), 'utf8')) as { pid: number; kernelLock: boolean };
    expect(record).toMatchObject({ pid: 1, kernelLock: true });
    process.kill(pid1Of(first), 'SIGKILL');
    await first.exited;
    expect(JSON.parse(readFileSync(join(dir, 'LOCK'), 'utf8')).pid, 'the killed writer left its LOCK').toBe(1);

    const second = await openAsPid1('kernel');
    // While it lives, another PID 1 (another container on this host) is refused.
    expect(thirdPid1('kernel')).toMatch(/^LOCKED\n.*locked by process 1 on /);
    await second.close();
  });

  it('without kernel locks, another PID 1 is refused while the first lives (never two writers)', async () => {
    const first = await openAsPid1('identity');
    expect(JSON.parse(readFileSync(join(dir, 'LOCK'), 'utf8'))).toMatchObject({ pid: 1, kernelLock: false });
    expect(thirdPid1('identity')).toMatch(/^LOCKED\n.*locked by process 1 on /);
    await first.close();
  });
});

/** Runs one more PID 1 opener to its end and returns what it printed. */
function thirdPid1(mode: 'kernel' | 'identity'): string {
  return spawnSync('unshare', ['-p', '-f', '--mount-proc', process.execPath, tree.script('reliability-lock-holder'), dir, mode], { encoding: 'utf8', input: '' }).stdout;
}
