/**
 * The quantize layer: quantizers that are applied for real (codes stored in
 * segments, graphs searched on codes, candidates rescored with float32).
 * Formats: docs/format/quantization.md.
 */
export type { PqSpec, QuantizationSpec, Quantizer, QuantizerKind, QueryCodes, ScoreMethod } from './quantizer.js';
export { RECOMMENDED_OVERSAMPLING } from './quantizer.js';
export { validateQuantizationSpec } from './spec.js';
export { loadQuantizer, type QuantizerOptions, trainAndEncode, trainQuantizer, TRAINING_ROWS } from './train.js';
export type { CodebookExpectation, CodebookSource } from '../format/codebook.js';
export { checkCodesSection } from '../format/codes.js';
export { CodeScorer, queryImageBytes, scoreLength } from './code-scorer.js';
export { METHOD_CODE, type QuantizedKernels, quantizedKernels } from './quantized-kernels.js';
export { BinaryQuantizer } from './binary.js';
export { PqQuantizer } from './pq.js';
export { Sq8Quantizer } from './sq8.js';
