/**
 * Power loss, long tier: the seeded runs and negative controls of
 * fixtures/power-suite.ts at the CI counts.
 *
 * Longer still: OMENDB_POWER_RUNS=2000 (runs per mode), OMENDB_SEED=<base seed>.
 */
import { powerLossSuite } from './fixtures/power-suite.js';
import { envInt } from './fixtures/reliability-report.js';

powerLossSuite({ runs: envInt('OMENDB_POWER_RUNS', 25), controlRuns: 20 });
