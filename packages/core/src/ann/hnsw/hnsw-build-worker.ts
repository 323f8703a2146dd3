// Worker side of batched HNSW linking (hnsw-build.ts): binds its kernels to
// the shared memory, counts itself ready, then runs each phase the main
// thread publishes and counts itself done; exits on QUIT.
import { parentPort, workerData } from 'node:worker_threads';
import { CMD_PHASE1, CMD_PHASE2, CMD_QUIT, CTRL, type LinkShared, THREAD_WORD, THREAD_WORDS } from './hnsw-build-layout.js';
import { BuildThread } from './hnsw-build-thread.js';
import type { GraphKernels, Kernels } from '../../kernels/kernels.js';
import { wasmApi } from '../../kernels/wasm-api.js';

const { shared, t } = workerData as { shared: LinkShared; t: number };
const c = new Int32Array(shared.ctrl);
const kernels = new wasmApi.Instance(shared.module, { env: { memory: shared.memory, accept: () => 1 } }).exports as unknown as Kernels & GraphKernels;

let tag = 0;
/** Visited tags of this thread's own region; on wrap-around the region is cleared once (rows < END). */
function nextTag(): number {
  if (tag === 0x7fffffff) {
    const visited = c[CTRL.THREAD + THREAD_WORDS * t + THREAD_WORD.VISITED];
    new Uint8Array(shared.memory.buffer).fill(0, visited, visited + 4 * c[CTRL.END]);
    tag = 0;
  }
  return ++tag;
}

const thread = new BuildThread(shared, t, kernels, nextTag);

/** Spins briefly (a batch phase is often sub-millisecond), then sleeps until GEN moves past `gen`. */
function awaitCommand(gen: number): number {
  for (let spins = 0; Atomics.load(c, CTRL.GEN) === gen && spins < 2000; spins++);
  while (Atomics.load(c, CTRL.GEN) === gen) Atomics.wait(c, CTRL.GEN, gen);
  return Atomics.load(c, CTRL.GEN);
}

// Commands are only published once every worker is ready, except QUIT,
// which may come first: it is the last command, so CMD stays QUIT.
let gen = Atomics.load(c, CTRL.GEN);
Atomics.add(c, CTRL.READY, 1);
parentPort?.postMessage('ready');
while (c[CTRL.CMD] !== CMD_QUIT) {
  gen = awaitCommand(gen);
  const cmd = c[CTRL.CMD];
  if (cmd === CMD_QUIT) break;
  try {
    thread.bind();
    if (cmd === CMD_PHASE1) thread.runPhase1();
    else if (cmd === CMD_PHASE2) thread.phase2(c[CTRL.START], c[CTRL.END], shared.threads);
  } catch (error) {
    // The main thread is blocked in Atomics.wait: flag the failure before counting done.
    Atomics.store(c, CTRL.FAILED, 1);
    Atomics.add(c, CTRL.DONE, 1);
    Atomics.notify(c, CTRL.DONE);
    throw error;
  }
  Atomics.add(c, CTRL.DONE, 1);
  Atomics.notify(c, CTRL.DONE);
}
