/**
 * Lock races (long tier): 10 processes open one directory at once, fresh and
 * after the holder was killed with -9; exactly one wins every round.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envInt, reportFigures } from './fixtures/reliability-report.js';
import { buildChildTree, exited, printed, startChild, type ChildTree } from './fixtures/reliability-spawn.js';
import { tempDir } from './helpers/tmp.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

// 20 rounds in the long tier; `pnpm test:reliability` runs 50.
const RACE_ROUNDS = envInt('OMENDB_LOCK_RACE_ROUNDS', 20);
const RACERS = 10;

describe('racing openers', () => {
  let tree: ChildTree;
  beforeAll(async () => {
    tree = await buildChildTree();
  });
  afterAll(() => tree?.cleanup());

  /** Starts `RACERS` openers at once on `dir`; returns what each printed, after the winner released. */
  async function race(round: number): Promise<string[]> {
    const go = join(dir, `go-${round}`);
    const release = join(dir, `release-${round}`);
    const racers = Array.from({ length: RACERS }, () => startChild(tree.script('reliability-locker'), [dir, go, release]));
    const results = racers.map((child) => exited(child));
    // Settled: a loser has exited, the winner has printed OPENED (it holds the lock until released).
    const settled = racers.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.stdout!.on('data', (d) => String(d).includes('OPENED') && resolve());
          child.once('exit', () => resolve());
        }),
    );
    await Promise.all(racers.map((child) => printed(child, 'READY')));
    writeFileSync(go, '');
    await Promise.all(settled);
    writeFileSync(release, '');
    return (await Promise.all(results)).map((r) => r.stdout.replace('READY\n', '').trim() || `exit ${r.code ?? r.signal}: ${r.stderr}`);
  }

  it(`exactly one of ${RACERS} processes opening at once wins; the others get LockError (${RACE_ROUNDS} rounds)`, async () => {
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const outcomes = await race(round);
      expect(outcomes.filter((o) => o === 'OPENED'), `round ${round}: ${outcomes.join(', ')}`).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'LOCKED'), `round ${round}: ${outcomes.join(', ')}`).toHaveLength(RACERS - 1);
    }
    reportFigures('locking: fresh-lock race', { rounds: RACE_ROUNDS, processesPerRound: RACERS, winnersPerRound: 1 });
  });

  it(`exactly one of ${RACERS} processes takes over the lock of a killed holder (${RACE_ROUNDS} rounds)`, async () => {
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const holder = startChild(tree.script('reliability-locker'), [dir, join(dir, `hold-${round}`), join(dir, 'never')]);
      const held = exited(holder);
      await printed(holder, 'READY');
      writeFileSync(join(dir, `hold-${round}`), '');
      await printed(holder, 'OPENED');
      holder.kill('SIGKILL');
      await held;
      expect(existsSync(join(dir, 'LOCK')), 'the killed holder left its LOCK').toBe(true);
      const outcomes = await race(100 + round);
      expect(outcomes.filter((o) => o === 'OPENED'), `round ${round}: ${outcomes.join(', ')}`).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'LOCKED'), `round ${round}: ${outcomes.join(', ')}`).toHaveLength(RACERS - 1);
    }
    reportFigures('locking: stale-lock takeover race', { rounds: RACE_ROUNDS, processesPerRound: RACERS, winnersPerRound: 1 });
  });
});
