/**
 * Long form of concurrent-reads.test.ts: more seeds, writers and calls; then
 * a variant where only background merges merge segments; then
 * the crash variant: a child runs the same load with durability 'sync' and is
 * killed with SIGKILL at a random time (during checkpoints and compactions
 * more often than not); its reads up to the kill must have been right, and
 * the reopened collection must hold every acknowledged write.
 *
 * OMENDB_CONCURRENT_SEEDS (default 5), OMENDB_CONCURRENT_KILLS (default 20), OMENDB_SEED.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmenDB } from '../src/index.js';
import { allowedAfterCrash, checkReopened, runConcurrent } from './fixtures/reliability-concurrent.js';
import { BASE_SEED, envInt, reportFigures } from './fixtures/reliability-report.js';
import { buildChildTree, exited, printed, startChild, type ChildTree } from './fixtures/reliability-spawn.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

const SEEDS = envInt('OMENDB_CONCURRENT_SEEDS', 5);
const KILLS = envInt('OMENDB_CONCURRENT_KILLS', 20);
const { dir: root, cleanup } = tempDir('omendb-concurrent-');
let tree: ChildTree;
beforeAll(async () => {
  tree = await buildChildTree();
});
afterAll(() => {
  tree?.cleanup();
  cleanup();
});

describe(`concurrent reads, long form (base seed ${BASE_SEED})`, () => {
  it(`${SEEDS} seeds: every read matches the acknowledged state`, async () => {
    const totals = { writes: 0, reads: 0, readsDuringJobs: 0, checkpoints: 0, compactions: 0 };
    for (let s = 0; s < SEEDS; s++) {
      const seed = BASE_SEED + s;
      const f = await runConcurrent({ seed, dir: join(root, `model-${s}`), writers: 6, readers: 3, opsPerWriter: 200, idsPerWriter: 150, memtableLimitBytes: 64 << 10, minJobs: 10 });
      expect(f.violations, `seed ${seed}`).toEqual([]);
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += f[k];
    }
    reportFigures('concurrent reads', { seeds: SEEDS, ...totals, violations: 0 });
  });

  it(`${SEEDS} seeds with background merges only (no compact()): every read matches the acknowledged state`, async () => {
    const totals = { writes: 0, reads: 0, readsDuringMerges: 0, checkpoints: 0, merges: 0 };
    for (let s = 0; s < SEEDS; s++) {
      const seed = BASE_SEED + 500 + s;
      const f = await runConcurrent({
        seed,
        dir: join(root, `merges-${s}`),
        writers: 6,
        readers: 3,
        opsPerWriter: 200,
        idsPerWriter: 150,
        memtableLimitBytes: 64 << 10,
        minJobs: 10,
        compactions: false,
      });
      expect(f.violations, `seed ${seed}`).toEqual([]);
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += f[k];
    }
    expect(totals.merges, `base seed ${BASE_SEED}`).toBeGreaterThan(0);
    reportFigures('concurrent reads, background merges', { seeds: SEEDS, ...totals, violations: 0 });
  });

  it(`${KILLS} kills -9 of a child under the same load: its reads were right, the reopened collection holds every acknowledged write`, async () => {
    const rand = seededRandom(BASE_SEED);
    const totals = { kills: 0, acknowledged: 0 };
    for (let i = 0; i < KILLS; i++) {
      const seed = BASE_SEED + 1000 + i;
      const dir = join(root, `crash-${i}`);
      const journalPath = join(root, `crash-${i}.journal`);
      const child = startChild(tree.script('reliability-concurrent-child'), [dir, journalPath, String(seed)]);
      const done = exited(child);
      await printed(child, 'READY');
      await sleep(200 + Math.floor(rand() * 2000));
      child.kill('SIGKILL');
      const r = await done;
      expect(r.signal, `seed ${seed}: the child ended without the kill: ${r.stderr}`).toBe('SIGKILL');
      const journal = readFileSync(journalPath, 'utf8');
      expect(journal.split('\n').filter((l) => l.startsWith('V ')), `seed ${seed}: wrong reads before the kill`).toEqual([]);
      const db = await OmenDB.open(dir);
      try {
        expect(await checkReopened(await db.getCollection('c'), allowedAfterCrash(journal)), `seed ${seed}`).toEqual([]);
      } finally {
        await db.close();
      }
      totals.kills++;
      totals.acknowledged += journal.split('\n').filter((l) => l.startsWith('A ')).length;
    }
    expect(totals.acknowledged).toBeGreaterThan(KILLS);
    reportFigures('concurrent reads, kill -9', { ...totals, lost: 0, seed: BASE_SEED });
  });
});
