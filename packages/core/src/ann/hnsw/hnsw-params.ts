import { ValidationError } from '../../errors.js';
import { HNSW_PARAM_RANGES, inParamRange } from '../../format/hnsw-param-ranges.js';

/**
 * HNSW parameters (Malkov & Yashunin 2018; names and defaults as hnswlib's
 * ALGO_PARAMS.md).
 *
 * Ranges are {@link HNSW_PARAM_RANGES} (format/hnsw-param-ranges.ts), the
 * one place they are written: the API's schemas, collection metadata keys and
 * the graph decoder read them.
 *
 * - `M`: links per node on levels ≥ 1; level 0 keeps up to 2·M. Range
 *   2…100, default 16. Higher M raises recall at a given ef, build time and
 *   memory: graph bytes per node ≈ (2·M + 1)·4 (level-0 links)
 *   + 4·(M + 1)/(M − 1) (upper levels, expected) + 25 (level, visited tag,
 *   upper-level offset, 16 B of search heap), ≈ 161 B at M = 16.
 * - `efConstruction`: candidate list size while inserting. Range M…4096,
 *   default 200. Higher builds a better graph, roughly linearly slower.
 * - `efSearch`: candidate list size while searching (raised to k when
 *   smaller). Range 1…4096 as a collection's default, default 64; a single
 *   query may pass up to 100,000 (as many as its largest `nResults`). Measured with bench/ann.ts at M = 16,
 *   efConstruction = 200: recall@10 at ef 32 / 48 / 64 is 0.949 / 0.972 /
 *   0.985 on sift10k, 0.990 / 0.997 / 0.999 on glove25 (cosine) and
 *   0.980 / 0.990 / 0.995 on scifact-bge (cosine); 64 is the first step
 *   with ≥ 0.98 on all three, a margin for data not seen while tuning.
 * - `seed`: seeds the level generator, so equal inserts give equal graphs.
 *   Default 42.
 */
export interface HnswParams {
  M: number;
  efConstruction: number;
  efSearch: number;
  seed: number;
}

export { HNSW_PARAM_RANGES, inParamRange, type ParamRange } from '../../format/hnsw-param-ranges.js';

export const DEFAULT_HNSW_PARAMS: Readonly<HnswParams> = Object.freeze({
  M: 16,
  efConstruction: 200,
  efSearch: 64,
  seed: 42,
});

function check(ok: boolean, field: string, message: string): void {
  if (!ok) throw new ValidationError('invalid HNSW parameters', [{ code: 'out_of_range', path: [field], message }]);
}

/** Fills defaults and checks {@link HNSW_PARAM_RANGES}; throws ValidationError (code `out_of_range`, path the parameter). */
export function resolveHnswParams(params: Partial<HnswParams> = {}): HnswParams {
  const resolved = { ...DEFAULT_HNSW_PARAMS, ...params };
  const r = HNSW_PARAM_RANGES;
  check(inParamRange(resolved.M, r.M), 'M', `an integer in ${r.M.min}…${r.M.max}`);
  check(
    inParamRange(resolved.efConstruction, r.efConstruction) && resolved.efConstruction >= resolved.M,
    'efConstruction',
    `an integer in M…${r.efConstruction.max}`,
  );
  check(inParamRange(resolved.efSearch, r.efSearch), 'efSearch', `an integer in ${r.efSearch.min}…${r.efSearch.max}`);
  check(inParamRange(resolved.seed, r.seed), 'seed', 'an integer in 0…2³²−1');
  return resolved;
}
