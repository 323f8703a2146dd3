/**
 * One WAL reader: for seeded random damages of WAL files, `omendb verify`'s
 * verdict (clean / torn tail / corrupt, with file and offset) equals what open
 * does with the same files. Long form: OMENDB_WAL_VERDICT_CASES=5000.
 */
import { describe, expect, it } from 'vitest';
import { envInt } from './fixtures/reliability-report.js';
import { verdictSweep } from './fixtures/wal-verdict.js';

const SEED = envInt('OMENDB_SEED', 20261206);
const CASES = envInt('OMENDB_WAL_VERDICT_CASES', 200);

describe(`one WAL reader (seed ${SEED})`, () => {
  it(`verify's verdict equals open's for ${CASES} random damages of WAL files`, async () => {
    const { mismatches, tally } = await verdictSweep(SEED, CASES);
    expect(mismatches, `seed ${SEED}`).toEqual([]);
    console.log(`wal verdicts over ${CASES} damages (seed ${SEED}):`, tally);
    // The damages must reach all three verdicts, or the agreement says little.
    expect(Object.keys(tally).sort()).toEqual(['clean', 'corrupt', 'torn']);
  });
});
