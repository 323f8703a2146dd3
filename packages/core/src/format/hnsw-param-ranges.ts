/**
 * Inclusive ranges of the HNSW parameters (names as hnswlib's ALGO_PARAMS.md;
 * meanings in ann/hnsw/hnsw-params.ts), the one place they are written: the
 * API's schemas, collection metadata keys and the graph decoder read them, so
 * they sit below all three. docs/format/graph.md states the stored ones.
 */

/** Inclusive range of one integer parameter. */
export interface ParamRange {
  min: number;
  max: number;
}

/** Inclusive ranges of the HNSW parameters; `efConstruction` must also be ≥ `M`. */
export const HNSW_PARAM_RANGES: Readonly<Record<'M' | 'efConstruction' | 'efSearch' | 'seed', Readonly<ParamRange>>> = Object.freeze({
  M: Object.freeze({ min: 2, max: 100 }),
  efConstruction: Object.freeze({ min: 2, max: 4096 }),
  efSearch: Object.freeze({ min: 1, max: 4096 }),
  seed: Object.freeze({ min: 0, max: 0xffffffff }),
});

/** True when `value` is an integer in `range`. */
export function inParamRange(value: number, range: ParamRange): boolean {
  return Number.isInteger(value) && value >= range.min && value <= range.max;
}
