import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { SeededRandom } from '../src/kernels/seeded-random.js';
import { BinaryQuantizer } from '../src/quantize/binary.js';
import { CodeScorer } from '../src/quantize/code-scorer.js';
import { PqQuantizer } from '../src/quantize/pq.js';
import type { QuantizationSpec } from '../src/quantize/quantizer.js';
import { validateQuantizationSpec } from '../src/quantize/spec.js';
import { Sq8Quantizer } from '../src/quantize/sq8.js';
import { trainAndEncode, trainQuantizer, TRAINING_ROWS } from '../src/quantize/train.js';
import type { Metric } from '../src/types.js';
import { referenceDistance } from './helpers/datasets.js';

const SEED = 7331;
const METRICS: Metric[] = ['l2', 'ip', 'cosine'];
const PQ = (m: number): QuantizationSpec => ({ type: 'pq', subvectors: m, bits: 8 });

/** n × dim seeded values: a Gaussian-ish mixture with per-dimension scales, so the quantizers see uneven ranges. */
function data(n: number, dim: number, seed = SEED): Float32Array {
  const random = new SeededRandom(seed);
  const scales = Float32Array.from({ length: dim }, (_, i) => 0.2 + (i % 5));
  const out = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    const cluster = r % 7;
    for (let i = 0; i < dim; i++) {
      const noise = random.next() + random.next() + random.next() - 1.5;
      out[r * dim + i] = scales[i] * (noise + ((cluster * 31 + i) % 3) - 1);
    }
  }
  return out;
}

function row(vectors: Float32Array, dim: number, r: number): Float32Array {
  return vectors.subarray(r * dim, (r + 1) * dim);
}

function unit(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  return v.map((x) => x / Math.sqrt(sum));
}

describe('quantizers on seeded random data', () => {
  it('sq8: reconstruction errs by at most half a step inside the clipping range', () => {
    for (const dim of [25, 64]) {
      const vectors = data(3000, dim);
      const q = trainQuantizer('sq8', vectors, dim, 'l2', SEED) as Sq8Quantizer;
      const codes = q.encode(vectors);
      let inside = 0;
      let worst = { ratio: 0, at: '' };
      for (let r = 0; r < 3000; r++) {
        const decoded = q.decode(codes, r);
        for (let i = 0; i < dim; i++) {
          const x = vectors[r * dim + i];
          const lo = q.offsets[i] - 127 * q.steps[i];
          const hi = q.offsets[i] + 127 * q.steps[i];
          const ratio = Math.abs(decoded[i] - Math.min(hi, Math.max(lo, x))) / q.steps[i];
          if (ratio > worst.ratio) worst = { ratio, at: `row ${r} dim ${i}` };
          if (x >= lo && x <= hi) inside++;
        }
      }
      expect(worst.ratio, `${worst.at} (seed ${SEED})`).toBeLessThanOrEqual(0.5001);
      // Quantile clipping at 0.1 % / 99.9 % leaves at most ~0.2 % of values outside.
      expect(inside / (3000 * dim)).toBeGreaterThan(0.997);
    }
  });

  it('binary: bits are the signs around the mean, and decoding beats the mean', () => {
    const dim = 37;
    const vectors = data(2000, dim);
    const q = trainQuantizer('binary', vectors, dim, 'l2', SEED) as BinaryQuantizer;
    const codes = q.encode(vectors);
    let errCode = 0;
    let errMean = 0;
    let wrongBits = 0;
    let paddingBits = 0;
    for (let r = 0; r < 2000; r++) {
      const decoded = q.decode(codes, r);
      for (let i = 0; i < dim; i++) {
        const x = vectors[r * dim + i];
        if (((codes[r * q.codeBytes + (i >> 3)] >> (i & 7)) & 1) !== (x > q.means[i] ? 1 : 0)) wrongBits++;
        errCode += (x - decoded[i]) ** 2;
        errMean += (x - q.means[i]) ** 2;
      }
      paddingBits += codes[r * q.codeBytes + 4] >> 5;
    }
    expect(wrongBits).toBe(0);
    expect(paddingBits, 'padding bits of the last byte are zero').toBe(0);
    expect(errCode / errMean).toBeLessThan(0.5);
  });

  it('pq: reconstruction error is a small fraction of the variance, and falls as m grows', () => {
    const dim = 32;
    const vectors = data(3000, dim);
    const ratios = [4, 8, 16].map((m) => {
      const q = trainQuantizer(PQ(m), vectors, dim, 'l2', SEED);
      const codes = q.encode(vectors);
      const mean = new Float64Array(dim);
      for (let r = 0; r < 3000; r++) for (let i = 0; i < dim; i++) mean[i] += vectors[r * dim + i] / 3000;
      let err = 0;
      let variance = 0;
      for (let r = 0; r < 3000; r++) {
        const decoded = q.decode(codes, r);
        for (let i = 0; i < dim; i++) {
          err += (vectors[r * dim + i] - decoded[i]) ** 2;
          variance += (vectors[r * dim + i] - mean[i]) ** 2;
        }
      }
      return err / variance;
    });
    expect(ratios[0]).toBeLessThan(0.35);
    expect(ratios[1]).toBeLessThan(ratios[0]);
    expect(ratios[2]).toBeLessThan(ratios[1]);
  });

  it.each(METRICS)('distance estimates follow the metric of the reconstruction (%s)', (metric) => {
    const dim = 40;
    const vectors = data(500, dim);
    const query = data(1, dim, SEED + 1);
    const y = metric === 'cosine' ? unit(query) : query;
    for (const spec of ['sq8', 'binary', PQ(10)] as QuantizationSpec[]) {
      const q = trainQuantizer(spec, vectors, dim, metric, SEED);
      const codes = q.encode(vectors);
      const prepared = q.prepare(query);
      for (let r = 0; r < 500; r += 11) {
        const decoded = q.decode(codes, r);
        // For cosine the codes hold unit vectors, where 1 − cos = 1 − x·y.
        const expected = referenceDistance(metric === 'l2' ? 'l2' : 'ip', decoded, y);
        const scale = metric === 'l2' ? expected + 1 : Math.abs(expected) + 1;
        // sq8 rounds the query to int16 (≤ 1/65534 of its largest term per value); tables are float32.
        expect(Math.abs(q.distance(prepared, codes, r) - expected), `${q.kind} row ${r} (seed ${SEED})`).toBeLessThan(2e-4 * scale);
      }
    }
  });

  it.each(METRICS)('the WebAssembly and JavaScript kernels score identically (%s)', (metric) => {
    for (const dim of [13, 64, 131]) {
      const vectors = data(300, dim);
      const query = data(1, dim, SEED + 2);
      const m = dim === 64 ? 16 : 1;
      for (const spec of ['sq8', 'binary', PQ(m)] as QuantizationSpec[]) {
        const q = trainQuantizer(spec, vectors, dim, metric, SEED);
        const codes = q.encode(vectors);
        const wasm = new CodeScorer(q, codes, { backend: 'wasm-simd' });
        const js = new CodeScorer(q, codes, { backend: 'js' });
        const prepares = [q.prepare(query)];
        if (q instanceof BinaryQuantizer) prepares.push(q.prepareHamming(query));
        for (const prepared of prepares) {
          wasm.setPrepared(prepared);
          js.setPrepared(prepared);
          const scanned = new Float32Array(300);
          wasm.scan(0, 300, scanned);
          const gathered = new Float32Array(300);
          js.gather(Int32Array.from({ length: 300 }, (_, i) => i), gathered);
          for (let r = 0; r < 300; r++) {
            const reference = q.distance(prepared, codes, r);
            expect(wasm.distance(r), `${q.kind} ${prepared.method} d=${dim} row ${r}`).toBe(reference);
            expect(js.distance(r)).toBe(reference);
            expect(scanned[r]).toBe(Math.fround(reference));
            expect(gathered[r]).toBe(Math.fround(reference));
          }
        }
        wasm.release();
        js.release();
      }
    }
  });

  it('binary Hamming scores rank exactly as Hamming distance', () => {
    const dim = 48;
    const vectors = data(400, dim);
    const q = trainQuantizer('binary', vectors, dim, 'cosine', SEED) as BinaryQuantizer;
    const codes = q.encode(vectors);
    const prepared = q.prepareHamming(row(vectors, dim, 0));
    expect(q.distance(prepared, codes, 0)).toBe(0);
    let ones = 0;
    for (let i = 0; i < q.codeBytes; i++) ones += (prepared.image[i] ^ codes[q.codeBytes + i]).toString(2).replaceAll('0', '').length;
    expect(q.distance(prepared, codes, 1)).toBeCloseTo(prepared.scale * ones, 12);
  });

  it('training rows are encoded like every other row, also when training samples', () => {
    const dim = 8;
    const n = TRAINING_ROWS.sq8 + 500;
    const vectors = data(n, dim);
    for (const spec of ['sq8', 'binary', PQ(4)] as QuantizationSpec[]) {
      const rows = spec === 'sq8' ? n : 1200;
      const input = vectors.subarray(0, rows * dim);
      const { quantizer, codes } = trainAndEncode(spec, input, dim, 'l2', SEED);
      expect(codes.length).toBe(rows * quantizer.codeBytes);
      for (let r = 0; r < rows; r += 97) {
        const single = quantizer.encode(row(input, dim, r));
        expect(Buffer.from(codes.subarray(r * quantizer.codeBytes, (r + 1) * quantizer.codeBytes)).equals(Buffer.from(single))).toBe(true);
      }
    }
  });

  it('training is deterministic for a seed and identical on both kernel backends', () => {
    const dim = 16;
    const vectors = data(1500, dim);
    const a = trainQuantizer(PQ(4), vectors, dim, 'l2', 99, { backend: 'wasm-simd' });
    const b = trainQuantizer(PQ(4), vectors, dim, 'l2', 99, { backend: 'js' });
    const c = trainQuantizer(PQ(4), vectors, dim, 'l2', 100);
    expect(Buffer.from(a.serialize()).equals(Buffer.from(b.serialize()))).toBe(true);
    expect(Buffer.from(a.encode(vectors)).equals(Buffer.from(b.encode(vectors)))).toBe(true);
    expect(Buffer.from(a.serialize()).equals(Buffer.from(c.serialize()))).toBe(false);
  });

  it('never modifies the caller’s vectors (cosine works on copies)', () => {
    const dim = 12;
    const vectors = data(600, dim);
    const before = vectors.slice();
    const query = data(1, dim, 5);
    const queryBefore = query.slice();
    for (const spec of ['sq8', 'binary', PQ(3)] as QuantizationSpec[]) {
      const q = trainQuantizer(spec, vectors, dim, 'cosine', SEED);
      q.encode(vectors);
      q.prepare(query);
    }
    expect(vectors).toEqual(before);
    expect(query).toEqual(queryBefore);
  });

  it('handles fewer rows than centroids and constant dimensions', () => {
    const dim = 6;
    const vectors = data(40, dim);
    for (let r = 0; r < 40; r++) vectors[r * dim + 2] = 3.5;
    const pq = trainQuantizer(PQ(3), vectors, dim, 'l2', SEED) as PqQuantizer;
    const codes = pq.encode(vectors);
    // With n ≤ 256 every row is a centroid, so reconstruction is exact.
    for (let r = 0; r < 40; r++) expect(pq.decode(codes, r)).toEqual(row(vectors, dim, r));
    const sq8 = trainQuantizer('sq8', vectors, dim, 'l2', SEED);
    expect(sq8.decode(sq8.encode(vectors), 5)[2]).toBe(3.5);
    const one = trainQuantizer('binary', vectors.subarray(0, dim), dim, 'ip', SEED);
    expect(one.encode(vectors.subarray(0, dim))).toEqual(new Uint8Array(1));
  });

  it('validates specs with ValidationError', () => {
    expect(validateQuantizationSpec(undefined, 8)).toBe('none');
    expect(validateQuantizationSpec({ type: 'pq', subvectors: 4 }, 8)).toEqual(PQ(4));
    const issuesOf = (spec: unknown, dim: number) => {
      try {
        validateQuantizationSpec(spec, dim);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).issues.map((i) => `${i.path.join('.')}:${i.code}`);
      }
      throw new Error(`accepted ${JSON.stringify(spec)}`);
    };
    expect(issuesOf('int4', 8)).toEqual(['quantization:invalid_value']);
    expect(issuesOf({ type: 'pq', subvectors: 3, bits: 8 }, 8)).toEqual(['quantization.subvectors:not_divisor']);
    expect(issuesOf({ type: 'pq', subvectors: 0.5, bits: 4, extra: 1 }, 8)).toEqual([
      'quantization.subvectors:invalid_type',
      'quantization.bits:invalid_value',
      'quantization.extra:unrecognized_key',
    ]);
    expect(() => trainQuantizer('none', data(10, 4), 4, 'l2')).toThrow(ValidationError);
    expect(() => trainQuantizer('sq8', new Float32Array(0), 4, 'l2')).toThrow(ValidationError);
    expect(() => trainQuantizer('sq8', new Float32Array(10), 4, 'l2')).toThrow(ValidationError);
    expect(() => new CodeScorer(trainQuantizer('sq8', data(10, 4), 4, 'l2'), new Uint8Array(7))).toThrow(RangeError);
  });
});
