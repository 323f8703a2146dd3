/**
 * Randomized model test: seeded random calls with clean reopens, kill -9s and
 * power losses on a simulated disk, checked against an in-memory model after
 * every step (fixtures/reliability-model.ts). A failure names its seed; rerun
 * it alone with OMENDB_SEED=<seed> OMENDB_MODEL_SEEDS=1.
 *
 * Long form: OMENDB_MODEL_SEEDS=500 OMENDB_MODEL_STEPS=1000.
 */
import { describe, expect, it } from 'vitest';
import { modelRun } from './fixtures/reliability-model.js';
import { BASE_SEED, envInt, reportFigures } from './fixtures/reliability-report.js';

const SEEDS = envInt('OMENDB_MODEL_SEEDS', 12);
const STEPS = envInt('OMENDB_MODEL_STEPS', 300);

describe('randomized model test', () => {
  it(`${SEEDS} seeds × ${STEPS} steps agree with the model after every step`, async () => {
    const totals = { seeds: 0, osSeeds: 0, steps: 0, calls: 0, reopens: 0, kills: 0, powerLosses: 0, fullChecks: 0, queryChecks: 0 };
    for (let s = 0; s < SEEDS; s++) {
      const r = await modelRun(BASE_SEED + s, STEPS);
      totals.seeds++;
      if (r.durability === 'os') totals.osSeeds++;
      for (const key of ['steps', 'calls', 'reopens', 'kills', 'powerLosses', 'fullChecks', 'queryChecks'] as const) totals[key] += r[key];
    }
    expect(totals.kills + totals.powerLosses).toBeGreaterThan(0);
    reportFigures('randomized model test', { ...totals, disagreements: 0, firstSeed: BASE_SEED });
  });
});
