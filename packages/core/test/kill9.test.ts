/**
 * kill -9, bounded form for the fast tier: a few kills at random times and at
 * a seeded pick of the named points inside checkpoint and compaction (see
 * fixtures/kill9-suite.ts). kill9.long.test.ts runs hundreds, at every point.
 */
import { kill9Suite } from './fixtures/kill9-suite.js';

kill9Suite({ iterations: 4, pointRuns: 1, points: 3 });
