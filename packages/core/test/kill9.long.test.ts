/**
 * kill -9, long tier: hundreds of kills at random times and several rounds
 * over every named point (see fixtures/kill9-suite.ts).
 *
 * Longer still: OMENDB_KILL9_ITERATIONS=5000 OMENDB_KILL9_POINT_RUNS=20; OMENDB_SEED=<base seed>.
 */
import { kill9Suite } from './fixtures/kill9-suite.js';
import { envInt } from './fixtures/reliability-report.js';

kill9Suite({ iterations: envInt('OMENDB_KILL9_ITERATIONS', 200), pointRuns: envInt('OMENDB_KILL9_POINT_RUNS', 3) });
