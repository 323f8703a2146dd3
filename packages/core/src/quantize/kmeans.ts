import type { KernelMemory } from '../kernels/kernel-memory.js';
import { SeededRandom } from '../kernels/seeded-random.js';
import { quantizedKernels } from './quantized-kernels.js';

/**
 * Lloyd iterations at most; training stops earlier once no assignment
 * changes. Measured with PQ (bench/quantize.ts data, seed 42): recall@10
 * after rescoring at 1–8× oversampling moved by ≤ 0.01 between 4 and 20
 * iterations on sift10k (m = 32) and scifact-bge (m = 128), while each
 * iteration costs as much as encoding the training rows once.
 */
export const KMEANS_MAX_ITERATIONS = 10;

/** Largest k: assignments are written as one byte per point. */
export const KMEANS_MAX_K = 256;

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/**
 * k-means (Lloyd) with k-means++ seeding (Arthur & Vassilvitskii 2007,
 * "k-means++: the advantages of careful seeding"), deterministic for a seed.
 *
 * `points`: n × dim float32, row-major (not modified). `k`: a multiple of 4,
 * ≤ 256. Returns k × dim float32 centroids. With n ≤ k every point becomes a
 * centroid and the rest repeat points (ties assign to the lower index, so
 * repeats stay unused). Empty clusters are re-seeded at the point farthest
 * from its centroid. Assignment (the n·k·dim hot loop) runs in the kernels of
 * `memory`, which is grown to hold the points and is left allocated for reuse.
 */
export function kmeans(
  memory: KernelMemory,
  points: Float32Array,
  dim: number,
  k: number,
  seed: number,
  maxIterations = KMEANS_MAX_ITERATIONS,
): Float32Array {
  const n = points.length / dim;
  const centroids = new Float32Array(k * dim);
  if (n <= k) {
    for (let c = 0; c < k; c++) centroids.set(points.subarray((c % n) * dim, (c % n + 1) * dim), c * dim);
    return centroids;
  }
  // Kernel memory: points (row-major, for assignment), the same points
  // transposed with n padded to a multiple of 4 (for seeding: pqTable scores a
  // centre against four points per lane), centroids transposed, then outputs.
  const padded = Math.ceil(n / 4) * 4;
  const pointsAt = 0;
  const pointsTAt = align16(pointsAt + n * dim * 4);
  const centroidsAt = align16(pointsTAt + padded * dim * 4);
  const codesAt = align16(centroidsAt + k * dim * 4);
  const distsAt = align16(codesAt + n);
  const centreAt = align16(distsAt + padded * 4);
  memory.ensureBytes(centreAt + dim * 4);
  memory.f32.set(points, pointsAt >> 2);
  const f32 = memory.f32;
  f32.fill(0, pointsTAt >> 2, (pointsTAt >> 2) + padded * dim);
  for (let i = 0; i < n; i++) for (let t = 0; t < dim; t++) f32[(pointsTAt >> 2) + t * padded + i] = points[i * dim + t];
  const kernels = quantizedKernels(memory);
  const squaredDistances = (centre: Float32Array): Float32Array => {
    memory.f32.set(centre, centreAt >> 2);
    kernels.pqTable(centreAt, pointsTAt, 1, dim, padded, 0, distsAt);
    return memory.f32.subarray(distsAt >> 2, (distsAt >> 2) + n);
  };
  seedPlusPlus(points, n, dim, k, new SeededRandom(seed), centroids, squaredDistances);
  const assignment = new Int32Array(n).fill(-1);
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    for (let c = 0; c < k; c++) {
      for (let t = 0; t < dim; t++) f32[(centroidsAt >> 2) + t * k + c] = centroids[c * dim + t];
    }
    kernels.pqAssign(pointsAt, n, dim, dim, centroidsAt, k, codesAt, 1, distsAt);
    const codes = memory.u8;
    let changed = 0;
    for (let i = 0; i < n; i++) {
      if (codes[codesAt + i] !== assignment[i]) changed++;
      assignment[i] = codes[codesAt + i];
    }
    // Unchanged assignments mean the centroids are already their means.
    if (changed === 0) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assignment[i];
      counts[c]++;
      for (let t = 0; t < dim; t++) sums[c * dim + t] += points[i * dim + t];
    }
    const dists = memory.f32.subarray(distsAt >> 2, (distsAt >> 2) + n);
    for (let c = 0; c < k; c++) {
      if (counts[c] > 0) {
        for (let t = 0; t < dim; t++) centroids[c * dim + t] = sums[c * dim + t] / counts[c];
        continue;
      }
      let far = 0;
      for (let i = 1; i < n; i++) if (dists[i] > dists[far]) far = i;
      dists[far] = -1;
      centroids.set(points.subarray(far * dim, (far + 1) * dim), c * dim);
    }
  }
  return centroids;
}

/**
 * k-means++ seeding: the first centroid is a uniformly chosen point, each
 * next one a point drawn with probability ∝ D(x)², its squared distance to
 * the nearest centroid chosen so far. Writes k × dim values to `out`;
 * `squaredDistances(centre)` gives every point's squared distance to `centre`.
 */
function seedPlusPlus(
  points: Float32Array,
  n: number,
  dim: number,
  k: number,
  random: SeededRandom,
  out: Float32Array,
  squaredDistances: (centre: Float32Array) => Float32Array,
): void {
  const nearest = new Float64Array(n).fill(Infinity);
  let chosen = Math.floor(random.next() * n);
  for (let c = 0; c < k; c++) {
    out.set(points.subarray(chosen * dim, (chosen + 1) * dim), c * dim);
    if (c === k - 1) break;
    const d = squaredDistances(out.subarray(c * dim, (c + 1) * dim));
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (d[i] < nearest[i]) nearest[i] = d[i];
      total += nearest[i];
    }
    // Every point already coincides with a centroid: any choice is as good.
    if (!(total > 0)) {
      chosen = Math.floor(random.next() * n);
      continue;
    }
    let target = random.next() * total;
    chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i];
      if (target < 0) {
        chosen = i;
        break;
      }
    }
  }
}
