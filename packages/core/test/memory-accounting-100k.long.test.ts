import { describe, expect, it } from 'vitest';
import { hasDataset } from './helpers/datasets.js';
import { measure, offBy, QUANTIZERS } from './helpers/measure-memory.js';

// A file of its own so that the runner spreads the 100k loads over its workers.
describe.skipIf(!hasDataset('sift10k'))('stats() memory and disk against measurement, 100k SIFT-like vectors', () => {
  it.each(QUANTIZERS)('quantization %s: within 5 %', (q) => {
    const m = measure(100_000, q, false);
    expect(offBy(m.reported, m.measured), `reported ${m.reported}, measured ${m.measured}`).toBeLessThanOrEqual(0.05);
    expect(offBy(m.diskBytes, m.fileBytes), `diskBytes ${m.diskBytes}, files ${m.fileBytes}`).toBeLessThanOrEqual(0.05);
  });
});
