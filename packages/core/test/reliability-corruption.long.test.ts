/**
 * Corruption sweeps, long tier: the CI count of offsets per region (see
 * fixtures/corruption-suite.ts).
 *
 * Longer still: OMENDB_CORRUPTION_OFFSETS=100000 (offsets per region: all of them).
 */
import { corruptionSweepSuite } from './fixtures/corruption-suite.js';
import { envInt } from './fixtures/reliability-report.js';

corruptionSweepSuite({ perRegion: envInt('OMENDB_CORRUPTION_OFFSETS', 10) });
