/**
 * kill -9: a child process writes seeded random calls with durability 'sync'
 * and journals each intent and acknowledgement; the parent kills it with
 * SIGKILL, reopens the database and checks it against the model: every
 * acknowledged call present, each call all-or-nothing, nothing never issued
 * (see fixtures/reliability-oracle.ts). Kills land at random times and at
 * named points inside checkpoint and compaction.
 *
 * Long form: OMENDB_KILL9_ITERATIONS=5000 OMENDB_KILL9_POINT_RUNS=20; OMENDB_SEED=<base seed>.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmenDB } from '../src/index.js';
import { KILL_POINTS } from './fixtures/reliability-kill-points.js';
import { ALL_IDS, Model } from './fixtures/reliability-ops.js';
import { matchPrefix, parseJournal, readState } from './fixtures/reliability-oracle.js';
import { BASE_SEED, envInt, reportFigures } from './fixtures/reliability-report.js';
import { buildChildTree, exited, printed, startChild, type ChildTree } from './fixtures/reliability-spawn.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

const ITERATIONS = envInt('OMENDB_KILL9_ITERATIONS', 200);
const POINT_RUNS = envInt('OMENDB_KILL9_POINT_RUNS', 3);
const { dir: root, cleanup } = tempDir('omendb-kill9-');
let tree: ChildTree;
beforeAll(async () => {
  tree = await buildChildTree();
});
afterAll(() => {
  tree?.cleanup();
  cleanup();
});

type Kill = { afterReadyMs: number } | { point: string; occurrence: number };

/** Runs the writer until it is killed (by the parent, or by itself at a named point). */
async function runWriter(dir: string, journal: string, seed: number, versionBase: number, kill: Kill) {
  const args = [dir, journal, String(seed), String(versionBase)];
  if ('point' in kill) args.push(kill.point, String(kill.occurrence));
  const child = startChild(tree.script('reliability-writer'), args);
  const done = exited(child);
  // A point that is never reached would hang the loop: the failsafe turns that into a failure.
  const failsafe = setTimeout(() => child.kill('SIGKILL'), 30_000);
  let timedOut = false;
  failsafe.unref();
  if ('afterReadyMs' in kill) {
    await printed(child, 'READY').catch(() => undefined);
    await sleep(kill.afterReadyMs);
    child.kill('SIGKILL');
  } else {
    setTimeout(() => (timedOut = true), 29_900).unref();
  }
  const r = await done;
  clearTimeout(failsafe);
  return { ...r, timedOut };
}

/** Reopens the database in this process and checks it against the model; returns the new model. */
async function verify(dir: string, journalPath: string, model: Model, context: string) {
  const { journal, errors } = parseJournal(readFileSync(journalPath, 'utf8'));
  expect(errors, `the writer saw a failure without a crash (${context})`).toEqual([]);
  const db = await OmenDB.open(dir);
  try {
    const col = (await db.listCollections()).find((c) => c.name === 'c');
    const actual = col ? await readState(col, [...ALL_IDS]) : new Map<string, number>();
    let matched;
    try {
      matched = matchPrefix(model, journal, actual);
    } catch (err) {
      throw new Error(`${context}: ${(err as Error).message}`);
    }
    return { model: matched.model, acked: journal.acked.size, issued: journal.ops.length };
  } finally {
    await db.close();
  }
}

describe(`kill -9 while writing with durability 'sync' (seed ${BASE_SEED})`, () => {
  it(`loses no acknowledged call over ${ITERATIONS} kills at random times`, async () => {
    const dir = join(root, 'random');
    const rand = seededRandom(BASE_SEED);
    let model = new Model();
    const totals = { kills: 0, issued: 0, ackedChecked: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      const journal = join(root, `random-${i}.journal`);
      const seed = BASE_SEED + i;
      const r = await runWriter(dir, journal, seed, (i + 1) * 1_000_000, { afterReadyMs: Math.floor(rand() * 250) });
      expect(r.signal, `writer ended without the kill (seed ${seed}): ${r.stderr}`).toBe('SIGKILL');
      const v = await verify(dir, journal, model, `iteration ${i}, seed ${seed} (base seed ${BASE_SEED})`);
      model = v.model;
      totals.kills++;
      totals.issued += v.issued;
      totals.ackedChecked += v.acked;
      rmSync(journal);
    }
    expect(totals.ackedChecked).toBeGreaterThan(ITERATIONS);
    reportFigures('kill -9 at random times', { ...totals, losses: 0, seed: BASE_SEED });
  });

  it(`loses nothing when killed at ${Object.keys(KILL_POINTS).length} named points inside checkpoint and compaction`, async () => {
    const dir = join(root, 'points');
    const rand = seededRandom(BASE_SEED + 1);
    let model = new Model();
    const totals = { kills: 0, issued: 0, ackedChecked: 0 };
    let i = 0;
    for (let run = 0; run < POINT_RUNS; run++) {
      for (const point of Object.keys(KILL_POINTS)) {
        const journal = join(root, `point-${i}.journal`);
        const occurrence = 1 + Math.floor(rand() * 4);
        const seed = BASE_SEED + 100_000 + i;
        const r = await runWriter(dir, journal, seed, (++i) * 1_000_000, { point, occurrence });
        const context = `point ${point} #${occurrence}, seed ${seed}`;
        expect(r.timedOut, `${context} was never reached`).toBe(false);
        expect(r.signal, `${context}: writer ended without the kill: ${r.stderr}`).toBe('SIGKILL');
        const v = await verify(dir, journal, model, context);
        model = v.model;
        totals.kills++;
        totals.issued += v.issued;
        totals.ackedChecked += v.acked;
        rmSync(journal);
      }
    }
    reportFigures('kill -9 at named points', { points: Object.keys(KILL_POINTS).length, ...totals, losses: 0, seed: BASE_SEED });
  });
});
