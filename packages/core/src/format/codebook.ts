import { CorruptionError } from '../errors.js';
import { crc32 } from './checksum.js';
import { METRIC_COSINE, METRIC_IP, METRIC_L2, metricCode } from '../kernels/metric-code.js';
import type { Metric, QuantizerKind } from '../types.js';

/**
 * The codebook section envelope of docs/format/quantization.md, version 1:
 * a 16-byte header, the kind's payload, and a CRC-32 trailer. This file
 * follows the doc field by field; the payloads are read by each quantizer.
 */

export const CODEBOOK_VERSION = 1;
export const CODEBOOK_HEADER_BYTES = 16;
const TRAILER_BYTES = 4;

/** Header field offsets. */
export const AT = { kind: 0, version: 1, metric: 2, reserved: 3, dimension: 4, codeBytes: 8, payloadBytes: 12 } as const;

/** Where a codebook's bytes came from, for CorruptionError. */
export interface CodebookSource {
  /** File holding the section. */
  file: string;
  /** Byte offset of the section's first byte in that file. */
  offset: number;
}

/** What the collection says the codebook must be; checked when stated. */
export interface CodebookExpectation {
  dimension?: number;
  metric?: Metric;
}

/** A parsed envelope; `payload` is a DataView over the payload bytes. */
export interface CodebookEnvelope {
  kind: QuantizerKind;
  metric: Metric;
  dimension: number;
  codeBytes: number;
  payload: DataView;
  /** Reports a bad payload field at `position` (relative to the payload). */
  fail(position: number, detail: string): never;
}

/** The kind byte: sq8 1, binary 2, pq 3. */
export const KIND_BYTE: Record<QuantizerKind, number> = { sq8: 1, binary: 2, pq: 3 };
const KINDS: QuantizerKind[] = ['sq8', 'binary', 'pq'];
const METRICS: Record<number, Metric> = { [METRIC_L2]: 'l2', [METRIC_IP]: 'ip', [METRIC_COSINE]: 'cosine' };

/** Serializes a codebook: header, `payload` (written by the quantizer), CRC-32. */
export function writeCodebook(
  kind: QuantizerKind,
  metric: Metric,
  dimension: number,
  codeBytes: number,
  payloadBytes: number,
  writePayload: (payload: DataView) => void,
): Uint8Array {
  const bytes = new Uint8Array(CODEBOOK_HEADER_BYTES + payloadBytes + TRAILER_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint8(AT.kind, KIND_BYTE[kind]);
  view.setUint8(AT.version, CODEBOOK_VERSION);
  view.setUint8(AT.metric, metricCode(metric));
  view.setUint32(AT.dimension, dimension, true);
  view.setUint32(AT.codeBytes, codeBytes, true);
  view.setUint32(AT.payloadBytes, payloadBytes, true);
  writePayload(new DataView(bytes.buffer, CODEBOOK_HEADER_BYTES, payloadBytes));
  const end = CODEBOOK_HEADER_BYTES + payloadBytes;
  view.setUint32(end, crc32(bytes.subarray(0, end)), true);
  return bytes;
}

/**
 * Checks 1, 2 and 5 of docs/format/quantization.md (length, CRC, kind,
 * version, metric, reserved, expectation) and returns the envelope. Throws
 * CorruptionError(source.file, source.offset + position).
 */
export function readCodebook(bytes: Uint8Array, source: CodebookSource, expected: CodebookExpectation = {}): CodebookEnvelope {
  const fail = (position: number, detail: string): never => {
    throw new CorruptionError(source.file, source.offset + position, `quantizer codebook: ${detail}`);
  };
  if (bytes.length < CODEBOOK_HEADER_BYTES + TRAILER_BYTES) fail(0, `${bytes.length} bytes is shorter than a codebook`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const payloadBytes = view.getUint32(AT.payloadBytes, true);
  const end = CODEBOOK_HEADER_BYTES + payloadBytes;
  if (end + TRAILER_BYTES !== bytes.length) {
    fail(AT.payloadBytes, `payload of ${payloadBytes} bytes does not fill the ${bytes.length}-byte section`);
  }
  const stored = view.getUint32(end, true);
  if (crc32(bytes.subarray(0, end)) !== stored) fail(end, 'CRC-32 mismatch');
  const kindCode = view.getUint8(AT.kind);
  if (kindCode < 1 || kindCode > KINDS.length) fail(AT.kind, `unknown kind ${kindCode}`);
  const version = view.getUint8(AT.version);
  if (version !== CODEBOOK_VERSION) fail(AT.version, `unsupported version ${version}`);
  const metric = METRICS[view.getUint8(AT.metric)];
  if (metric === undefined) fail(AT.metric, `unknown metric ${view.getUint8(AT.metric)}`);
  if (view.getUint8(AT.reserved) !== 0) fail(AT.reserved, 'reserved byte is not zero');
  const dimension = view.getUint32(AT.dimension, true);
  if (dimension < 1) fail(AT.dimension, 'dimension 0');
  if (expected.dimension !== undefined && dimension !== expected.dimension) {
    fail(AT.dimension, `dimension ${dimension}, the collection has ${expected.dimension}`);
  }
  if (expected.metric !== undefined && metric !== expected.metric) {
    fail(AT.metric, `metric ${metric}, the collection uses ${expected.metric}`);
  }
  return {
    kind: KINDS[kindCode - 1],
    metric,
    dimension,
    codeBytes: view.getUint32(AT.codeBytes, true),
    payload: new DataView(bytes.buffer, bytes.byteOffset + CODEBOOK_HEADER_BYTES, payloadBytes),
    fail: (position, detail) => fail(CODEBOOK_HEADER_BYTES + position, detail),
  };
}

/** Checks the envelope's codeBytes and payload length against the kind's formulas (check 3). */
export function expectSizes(envelope: CodebookEnvelope, codeBytes: number, payloadBytes: number): void {
  if (envelope.codeBytes !== codeBytes) {
    envelope.fail(AT.codeBytes - CODEBOOK_HEADER_BYTES, `codeBytes ${envelope.codeBytes}, expected ${codeBytes}`);
  }
  if (envelope.payload.byteLength !== payloadBytes) {
    envelope.fail(AT.payloadBytes - CODEBOOK_HEADER_BYTES, `payload ${envelope.payload.byteLength} bytes, expected ${payloadBytes}`);
  }
}

/** Writes `values` as float32 at payload byte `at`. */
export function writeFloats(payload: DataView, at: number, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) payload.setFloat32(at + 4 * i, values[i], true);
}

/**
 * Reads `count` float32 from payload byte `at`; each must be finite and
 * pass `valid` (check 4), else CorruptionError at that float.
 */
export function readFloats(
  envelope: CodebookEnvelope,
  at: number,
  count: number,
  what: string,
  valid: (v: number) => boolean = () => true,
): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const v = envelope.payload.getFloat32(at + 4 * i, true);
    if (!Number.isFinite(v) || !valid(v)) envelope.fail(at + 4 * i, `${what}[${i}] = ${v} is out of range`);
    out[i] = v;
  }
  return out;
}
