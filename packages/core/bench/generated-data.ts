/**
 * Seeded, generated vector sets for scales the real data does not reach
 * (100k and 1M rows; ../shared/data holds ≤ 11k): a Gaussian mixture around
 * the real sift10k base vectors. Every generated point is a sift10k base row
 * picked uniformly, plus isotropic Gaussian noise of standard deviation
 * {@link GENERATED_SIGMA} per dimension. Queries come from the same mixture
 * with another seed. Reported everywhere as "generated", never as real data.
 *
 * Why σ = 30: sift10k's median nearest-neighbour distance is 281 (squared
 * 79,028, measured); σ = 30 puts a point ≈ 340 from its centre, so clusters
 * overlap their neighbours and a query's nearest rows come from several of
 * them. Measured with HnswIndex (M 16, efConstruction 200) at 100k rows,
 * recall@10 at efSearch 16 / 32 / 64 is 0.925 / 0.969 / 0.989, a curve like
 * sift10k's (0.862 / 0.949 / 0.985); σ = 10 gave separated clusters and
 * 0.998 already at efSearch 16, too easy to tell engines apart.
 */
import { SeededRandom } from '../src/kernels/seeded-random.js';
import { loadDataset } from '../test/helpers/datasets.js';

/** Noise standard deviation per dimension, in SIFT units (values 0…255). */
export const GENERATED_SIGMA = 30;

/** A generated set: rows × 128 float32, row-major. */
export interface GeneratedSet {
  dim: number;
  base: Float32Array;
  queries: Float32Array;
  baseCount: number;
  queryCount: number;
}

/**
 * `count` rows of the mixture, deterministic for (`count`, `seed`). Normal
 * draws by Box–Muller from mulberry32 ({@link SeededRandom}).
 */
export function mixtureRows(centers: Float32Array, dim: number, count: number, seed: number, sigma = GENERATED_SIGMA): Float32Array {
  const random = new SeededRandom(seed);
  const centerCount = centers.length / dim;
  const out = new Float32Array(count * dim);
  let spare = NaN;
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    // 1 − u keeps the logarithm's argument in (0, 1].
    const radius = Math.sqrt(-2 * Math.log(1 - random.next()));
    const angle = 2 * Math.PI * random.next();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  for (let row = 0; row < count; row++) {
    const center = Math.floor(random.next() * centerCount) * dim;
    const at = row * dim;
    for (let i = 0; i < dim; i++) out[at + i] = centers[center + i] + sigma * normal();
  }
  return out;
}

/** `baseCount` base rows (seed 1) and `queryCount` queries (seed 2) around sift10k. */
export function generateClusteredSet(baseCount: number, queryCount: number): GeneratedSet {
  const sift = loadDataset('sift10k', 'l2');
  return {
    dim: sift.dim,
    base: mixtureRows(sift.base.data, sift.dim, baseCount, 1),
    queries: mixtureRows(sift.base.data, sift.dim, queryCount, 2),
    baseCount,
    queryCount,
  };
}
