/**
 * Randomized model test, bounded form: a few seeds of fixtures/model-suite.ts;
 * reliability-model.long.test.ts runs the CI count.
 */
import { modelSuite } from './fixtures/model-suite.js';

modelSuite({ seeds: 3, steps: 150 });
