// Entry point of the WebAssembly module built by scripts/build-wasm.mjs.
// The module imports its memory (env.memory) so each index owns one
// WebAssembly.Memory and the host grows it as rows are added.

export { dot, l2sq, cosine } from './distance';
export { scan, gather, pair } from './batch';
export { selectNeighbors } from './select';
export { useFloatScorer, useCodeScorer, descend, nearestDistance, searchLayer, resultCount, knn } from './walk';
export { codeDistance, codeScan, codeGather, sq8Squares } from './quantized';
export { pqAssign, pqTable } from './quantized-pq';
