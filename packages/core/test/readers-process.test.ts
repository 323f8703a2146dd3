/**
 * Readers in other processes, fast tier (a few seconds): a writer child
 * making seeded calls (adds, upserts, updates, deletes, checkpoints,
 * compactions) and three read-only children catching up and reading; every
 * state a reader saw is one the writer acknowledged; then the writer is
 * killed (-9) while the readers run, and the next writer recovers every
 * acknowledged call. The 60 s run and repeated kills: readers.long.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { readerProcesses } from './fixtures/reader-processes.js';
import { printed } from './fixtures/reliability-spawn.js';
import { checkReaders, parseReader, parseWriter, type WriterLog } from './helpers/readers-check.js';

const processes = readerProcesses();
const spawnChild = processes.spawnChild;

describe('readers in other processes', () => {
  it('three readers beside a busy writer, and a kill -9 of the writer: every state read was acknowledged, nothing acknowledged is lost', async () => {
    const seed = 1 + Math.floor(Math.random() * 1e9);
    // The first writer creates the collection and makes some calls before the readers open.
    const first = spawnChild('reliability-readers-writer', [processes.dir(), String(seed), '500', '0']);
    const log: WriterLog = parseWriter((await first.done).stdout);
    expect(log.done, `seed ${seed}`).toBeDefined();
    const firstCalls = log.done!.calls;
    // Readers run until told to stop (SIGTERM, below), however slow the machine; 100 s is only a backstop.
    // A 5 ms pause between rounds keeps three readers from holding both cores (readers.long.test.ts reads without one).
    const readers = ['refresh', 'refresh', 'interval0'].map((mode) => spawnChild('reliability-readers-reader', [processes.dir(), mode, '100000', '5']));
    // Each reader has read once before the next writer starts, so every reader reads states before and after its calls.
    await Promise.all(readers.map((r) => printed(r.child, 'FIRST')));
    // A second writer, killed at a random moment while the readers run.
    const second = spawnChild('reliability-readers-writer', [processes.dir(), String(seed), '60000', String(log.issued)]);
    await printed(second.child, 'OPENED');
    await new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 500)));
    second.child.kill('SIGKILL');
    parseWriter((await second.done).stdout, log);
    const acked = Math.max(...log.acks.map((a) => a.index));
    // The third recovers: the state it finds holds every acknowledged call.
    const third = spawnChild('reliability-readers-writer', [processes.dir(), String(seed), '1000', String(log.issued)]);
    const thirdOut = await third.done;
    parseWriter(thirdOut.stdout, log);
    expect(thirdOut.code, `seed ${seed}: ${thirdOut.stdout.slice(0, 500)} ${thirdOut.stderr}`).toBe(0);
    expect(log.resumed[0], `seed ${seed}`).toBe(firstCalls);
    expect(log.resumed[1], `seed ${seed}`).toBeGreaterThanOrEqual(acked);
    // Each reader's last round starts after this, so it reads the third writer's state.
    for (const r of readers) r.child.kill('SIGTERM');
    const logs = await Promise.all(readers.map(async (r) => {
      const out = await r.done;
      return { out, log: parseReader(out.stdout) };
    }));
    for (const { out, log: r } of logs) {
      expect(r.error, `seed ${seed}: ${out.stderr}`).toBeUndefined();
      expect(out.code, `seed ${seed}: ${out.stdout.slice(-500)} ${out.stderr}`).toBe(0);
      expect(r.observations.length).toBeGreaterThan(0);
    }
    const result = checkReaders(seed, log, logs.map((l) => l.log));
    expect(result.problems, `seed ${seed}`).toEqual([]);
    expect(result.queriesChecked).toBeGreaterThan(0);
    // The readers saw the state move, not one state over and over.
    expect(new Set(logs.flatMap((l) => l.log.observations.map((o) => o.digest))).size, `seed ${seed}`).toBeGreaterThan(1);
  }, 120_000);
});
