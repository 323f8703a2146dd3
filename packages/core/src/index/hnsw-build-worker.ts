// Worker side of the batch-parallel HNSW build (hnsw-build.ts): runs the
// phase the main thread publishes, then counts itself done; exits on QUIT.
import { parentPort, workerData } from 'node:worker_threads';
import { type BuildShared, CMD_PHASE1, CMD_PHASE2, CMD_QUIT, CTRL } from './hnsw-build-layout.js';
import { BuildThread } from './hnsw-build-thread.js';

const { shared, t } = workerData as { shared: BuildShared; t: number };
const thread = new BuildThread(shared, t);
const c = thread.ctrl;
parentPort?.postMessage('ready');

/** Spins briefly (a batch phase is often sub-millisecond), then sleeps until GEN moves past `gen`. */
function awaitCommand(gen: number): number {
  for (let spins = 0; Atomics.load(c, CTRL.GEN) === gen && spins < 2000; spins++);
  while (Atomics.load(c, CTRL.GEN) === gen) Atomics.wait(c, CTRL.GEN, gen);
  return Atomics.load(c, CTRL.GEN);
}

let gen = 0;
for (;;) {
  gen = awaitCommand(gen);
  const cmd = c[CTRL.CMD];
  if (cmd === CMD_QUIT) break;
  try {
    if (cmd === CMD_PHASE1) thread.runPhase1();
    else if (cmd === CMD_PHASE2) thread.phase2(c[CTRL.START], c[CTRL.END], shared.layout.threads);
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
