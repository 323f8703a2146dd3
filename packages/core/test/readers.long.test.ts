/**
 * Readers in other processes, long tier: a writer child making seeded calls
 * (adds, upserts, updates, deletes, checkpoints, compactions) for 60 s beside
 * three read-only children, then a writer killed (-9) at random moments while
 * readers run. Every state a reader read is one the writer acknowledged (or
 * was acknowledging), exact queries match it, no reader fails, and each
 * restarted writer recovers every acknowledged call. Prints the writer's rate
 * alone and beside the readers, and the readers' query latency.
 */
import { describe, expect, it } from 'vitest';
import { readerProcesses } from './fixtures/reader-processes.js';
import { printed } from './fixtures/reliability-spawn.js';
import { checkReaders, parseReader, parseWriter, type ReaderLog, type WriterLog } from './helpers/readers-check.js';
import { seededRandom } from './helpers/tmp.js';

const processes = readerProcesses();
const spawnChild = processes.spawnChild;

function startReaders(durationMs: number): ReturnType<typeof spawnChild>[] {
  return ['refresh', 'refresh', 'interval0'].map((mode) => spawnChild('reliability-readers-reader', [processes.dir(), mode, String(durationMs)]));
}

async function finishReaders(seed: number, readers: ReturnType<typeof spawnChild>[]): Promise<ReaderLog[]> {
  const logs: ReaderLog[] = [];
  for (const r of readers) {
    const out = await r.done;
    const log = parseReader(out.stdout);
    expect(log.error, `seed ${seed}: ${out.stderr}`).toBeUndefined();
    expect(out.code, `seed ${seed}: ${out.stdout.slice(-500)} ${out.stderr}`).toBe(0);
    logs.push(log);
  }
  return logs;
}

const rate = (d: WriterLog['done']) => (d ? Math.round((d.calls / d.elapsedMs) * 1000) : 0);

describe('readers in other processes (long)', () => {
  it('a writer for 60 s beside three readers: every read state was acknowledged, no reader error', async () => {
    const seed = 1 + Math.floor(Math.random() * 1e9);
    // Baseline: the writer alone, 10 s.
    const alone = spawnChild('reliability-readers-writer', [processes.dir(), String(seed), '10000', '0']);
    const log = parseWriter((await alone.done).stdout);
    const aloneDone = log.done;
    const busy = spawnChild('reliability-readers-writer', [processes.dir(), String(seed), '60000', String(log.issued)]);
    await printed(busy.child, 'OPENED');
    const readers = startReaders(62_000);
    const busyOut = await busy.done;
    expect(busyOut.code, `seed ${seed}: ${busyOut.stderr}`).toBe(0);
    parseWriter(busyOut.stdout, log);
    const logs = await finishReaders(seed, readers);
    const result = checkReaders(seed, log, logs, 50);
    expect(result.problems, `seed ${seed}`).toEqual([]);
    console.log(
      JSON.stringify({
        seed,
        writerCallsPerSecondAlone: rate(aloneDone),
        writerCallsPerSecondWithThreeReaders: rate(log.done),
        readerRounds: logs.map((l) => l.rounds),
        readerHnswQueryLatencyMs: logs.map((l) => l.latency),
        observationsChecked: result.observations,
        exactQueriesChecked: result.queriesChecked,
      }),
    );
  }, 300_000);

  it('kill -9 of the writer at random moments while readers run: readers keep answering, each next writer recovers every acknowledged call', async () => {
    const seed = 1 + Math.floor(Math.random() * 1e9);
    const random = seededRandom(seed);
    const first = spawnChild('reliability-readers-writer', [processes.dir(), String(seed), '1000', '0']);
    await printed(first.child, 'OPENED');
    const readers = startReaders(40_000);
    const log = parseWriter((await first.done).stdout);
    const started = Date.now();
    let kills = 0;
    while (Date.now() - started < 35_000) {
      const acked = Math.max(0, ...log.acks.map((a) => a.index));
      const writer = spawnChild('reliability-readers-writer', [processes.dir(), String(seed), '60000', String(log.issued)]);
      const opened = await Promise.race([printed(writer.child, 'OPENED').then(() => true), writer.done.then(() => false)]);
      const resumedBefore = log.resumed.length;
      if (!opened) {
        const out = await writer.done;
        throw new Error(`seed ${seed}: writer did not open: ${out.stdout.slice(0, 300)} ${out.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100 + Math.floor(random() * 1500)));
      writer.child.kill('SIGKILL');
      parseWriter((await writer.done).stdout, log);
      expect(log.resumed.length, `seed ${seed}`).toBe(resumedBefore + 1);
      expect(log.resumed[resumedBefore], `seed ${seed}: kill ${kills}`).toBeGreaterThanOrEqual(acked);
      kills++;
    }
    const logs = await finishReaders(seed, readers);
    const result = checkReaders(seed, log, logs, 50);
    expect(result.problems, `seed ${seed}`).toEqual([]);
    console.log(JSON.stringify({ seed, kills, observationsChecked: result.observations, exactQueriesChecked: result.queriesChecked }));
  }, 300_000);
});
