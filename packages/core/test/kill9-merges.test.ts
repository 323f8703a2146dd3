/**
 * kill -9 while segments merge in the background (the merge policy, no
 * compact()): a few kills at random times and at a seeded pick of the named
 * points (see fixtures/kill9-suite.ts). kill9-merges.long.test.ts runs hundreds.
 */
import { kill9Suite } from './fixtures/kill9-suite.js';

kill9Suite({ iterations: 3, pointRuns: 1, points: 2, backgroundMerges: true });
