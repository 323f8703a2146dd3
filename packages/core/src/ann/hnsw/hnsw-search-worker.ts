// Worker side of batched queries (hnsw-search-pool.ts): binds kernels to
// each graph's shared memory, and for each batch posted takes queries from
// the shared counter and walks every graph of the batch for them, writing
// rows and distances into the shared results; then counts itself done.
// Exits when posted `null`.
import { parentPort, workerData } from 'node:worker_threads';
import { wasmApi } from '../../kernels/wasm-api.js';
import { runBatch, type SearchBatch, type WalkKernels } from './hnsw-search-batch.js';

/** Kernels bound to each graph's memory, by graph id; only the last batch's graphs are kept (so a dropped graph's memory can go). */
let bound = new Map<number, WalkKernels>();

function kernelsFor(batch: SearchBatch): WalkKernels[] {
  const next = new Map<number, WalkKernels>();
  const kernels = batch.graphs.map((view) => {
    let k = bound.get(view.id) ?? next.get(view.id);
    k ??= new wasmApi.Instance(view.module, { env: { memory: view.memory, accept: () => 1 } }).exports as unknown as WalkKernels;
    next.set(view.id, k);
    return k;
  });
  bound = next;
  return kernels;
}

parentPort!.on('message', (batch: SearchBatch | null) => {
  if (batch === null) {
    parentPort!.close();
    return;
  }
  runBatch(batch, kernelsFor(batch));
});
Atomics.store(new Int32Array((workerData as { ready: SharedArrayBuffer }).ready), 0, 1);
