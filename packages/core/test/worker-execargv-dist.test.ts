/**
 * The built package's worker threads run only its own code: they start
 * without the Node options the application was started with (see
 * src/ann/hnsw/worker-script.ts), so a `--require` preload (an APM agent,
 * tsx's loader) runs on the main thread alone. Runs on `dist/`; `pnpm test`
 * builds first, and a bare `vitest run` without dist skips it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/tmp.js';

const esm = fileURLToPath(new URL('../dist/index.js', import.meta.url));

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

// The preload reports each thread it runs in, and on the main thread counts the workers started.
const PRELOAD = `
const wt = require('node:worker_threads');
process.stderr.write('preload thread ' + wt.threadId + '\\n');
if (wt.isMainThread) {
  const Base = wt.Worker;
  let started = 0;
  wt.Worker = class extends Base { constructor(...args) { super(...args); started++; } };
  require('node:module').syncBuiltinESMExports();
  process.on('exit', () => process.stderr.write('workers started ' + started + '\\n'));
}`;

describe.skipIf(!existsSync(esm) || availableParallelism() < 2)('worker threads of the built package', () => {
  it('start without the application’s --require: a preload runs on the main thread only', () => {
    const preload = join(dir, 'preload.cjs');
    writeFileSync(preload, PRELOAD);
    // 3,000 rows: past the memtable's exact rows, so it links them on two threads.
    const script = `
      const { OmenDB } = await import(${JSON.stringify(esm)});
      const db = await OmenDB.open(${JSON.stringify(join(dir, 'db'))}, { durability: 'none' });
      const col = await db.createCollection({ name: 'c', dimension: 8, metric: 'l2' });
      let state = 7;
      const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
      const embeddings = Array.from({ length: 3000 }, () => Array.from({ length: 8 }, random));
      await col.add({ ids: embeddings.map((_, i) => 'id' + i), embeddings });
      const top = (await col.query({ queryEmbeddings: [embeddings[42]], nResults: 1 })).ids[0][0];
      await db.close();
      console.log(top);`;
    const run = spawnSync(process.execPath, ['--require', preload, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('id42');
    const lines = run.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('preload thread'))).toEqual(['preload thread 0']);
    const started = Number(/workers started (\d+)/.exec(run.stderr)?.[1]);
    expect(started).toBeGreaterThanOrEqual(1);
  });
});
