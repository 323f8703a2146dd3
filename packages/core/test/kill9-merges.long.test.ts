/**
 * kill -9 while segments merge in the background, long tier: hundreds of
 * kills at random times and rounds over every named point (see
 * fixtures/kill9-suite.ts; counts from OMENDB_KILL9_ITERATIONS, OMENDB_KILL9_POINT_RUNS).
 */
import { kill9Suite } from './fixtures/kill9-suite.js';
import { envInt } from './fixtures/reliability-report.js';

kill9Suite({ iterations: envInt('OMENDB_KILL9_ITERATIONS', 200), pointRuns: envInt('OMENDB_KILL9_POINT_RUNS', 3), backgroundMerges: true });
