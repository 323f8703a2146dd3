import { ValidationError, type ValidationIssue } from '../errors.js';
import { KMEANS_MAX_K } from './kmeans.js';
import type { QuantizationSpec } from './quantizer.js';

/**
 * Checks a user's `quantization` option against the collection's dimension
 * and returns it typed. Accepts `'none'`, `'sq8'`, `'binary'` and
 * `{ type: 'pq', subvectors: m, bits: 8 }` with m an integer ≥ 1 dividing
 * `dimension` (bits defaults to 8 when left out); with `dimension` null (not
 * fixed yet) the divisibility is left for when it is. Throws ValidationError with
 * issues under `path` (default `['quantization']`).
 */
export function validateQuantizationSpec(
  spec: unknown,
  dimension: number | null,
  path: (string | number)[] = ['quantization'],
): QuantizationSpec {
  if (spec === undefined || spec === 'none' || spec === 'sq8' || spec === 'binary') return spec ?? 'none';
  const issues: ValidationIssue[] = [];
  const issue = (code: string, at: string[], message: string) => issues.push({ code, path: [...path, ...at], message });
  if (typeof spec !== 'object' || spec === null || (spec as { type?: unknown }).type !== 'pq') {
    issue('invalid_value', [], `expected 'none', 'sq8', 'binary' or { type: 'pq', subvectors, bits: 8 }`);
    throw new ValidationError('invalid quantization', issues);
  }
  const { subvectors, bits = 8, ...rest } = spec as { type: 'pq'; subvectors?: unknown; bits?: unknown };
  const m = subvectors as number;
  if (!(typeof subvectors === 'number' && Number.isInteger(m) && m >= 1)) {
    issue('invalid_type', ['subvectors'], 'an integer ≥ 1');
  } else if (dimension !== null && dimension % m !== 0) {
    issue('not_divisor', ['subvectors'], `${m} does not divide the dimension ${dimension}`);
  }
  if (bits !== 8) issue('invalid_value', ['bits'], `only 8 bits (${KMEANS_MAX_K} centroids per subspace) are supported`);
  for (const key of Object.keys(rest)) if (key !== 'type') issue('unrecognized_key', [key], 'unknown PQ option');
  if (issues.length > 0) throw new ValidationError('invalid quantization', issues);
  return { type: 'pq', subvectors: m, bits: 8 };
}

/**
 * A spec as one short comparable string: `'none'`, `'sq8'`, `'binary'`, or
 * `'pq/<subvectors>/<bits>'` (bits 8 when left out), so two specs written
 * with other key orders or a default left out compare equal.
 */
export function quantizationLabel(spec: QuantizationSpec): string {
  return typeof spec === 'string' ? spec : `pq/${spec.subvectors}/${spec.bits ?? 8}`;
}
