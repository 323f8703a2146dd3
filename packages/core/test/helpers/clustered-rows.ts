import { seededRandom } from './tmp.js';

/**
 * `count` seeded rows of `dim` values around `centres` random centres
 * (uniform in [−5, 5) per value), each a centre plus uniform noise in
 * [−0.5, 0.5) per value: structured data, on which HNSW recall means
 * something (uniform random rows give none).
 */
export function clusteredRows(count: number, dim: number, seed: number, centres: number): Float32Array {
  const rand = seededRandom(seed);
  const points = Array.from({ length: centres }, () => Array.from({ length: dim }, () => rand() * 10 - 5));
  const out = new Float32Array(count * dim);
  for (let r = 0; r < count; r++) {
    const c = points[Math.floor(rand() * points.length)];
    for (let i = 0; i < dim; i++) out[r * dim + i] = c[i] + rand() - 0.5;
  }
  return out;
}
