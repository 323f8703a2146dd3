/**
 * Randomized model test, long tier: the CI count of seeds and steps (see
 * fixtures/model-suite.ts).
 *
 * Longer still: OMENDB_MODEL_SEEDS=500 OMENDB_MODEL_STEPS=1000.
 */
import { modelSuite } from './fixtures/model-suite.js';
import { envInt } from './fixtures/reliability-report.js';

modelSuite({ seeds: envInt('OMENDB_MODEL_SEEDS', 12), steps: envInt('OMENDB_MODEL_STEPS', 300) });
