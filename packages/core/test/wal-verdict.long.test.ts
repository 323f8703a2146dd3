/** Long form of wal-verdict.test.ts: 5,000 damages (OMENDB_WAL_VERDICT_CASES to change). */
import { describe, expect, it } from 'vitest';
import { envInt } from './fixtures/reliability-report.js';
import { verdictSweep } from './fixtures/wal-verdict.js';

const SEED = envInt('OMENDB_SEED', 20261207);
const CASES = envInt('OMENDB_WAL_VERDICT_CASES', 5000);

describe(`one WAL reader, long form (seed ${SEED})`, () => {
  it(`verify's verdict equals open's for ${CASES} random damages of WAL files`, { timeout: 900_000 }, async () => {
    const { mismatches, tally } = await verdictSweep(SEED, CASES);
    expect(mismatches, `seed ${SEED}`).toEqual([]);
    console.log(`wal verdicts over ${CASES} damages (seed ${SEED}):`, tally);
    expect(Object.keys(tally).sort()).toEqual(['clean', 'corrupt', 'torn']);
  });
});
