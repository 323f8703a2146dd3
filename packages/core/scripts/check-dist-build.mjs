// Runs the parallel HNSW build from the built package, as users load it:
//   node scripts/check-dist-build.mjs <esm|cjs>
// Compacts a 6,000-row collection (two threads from PARALLEL_BUILD_MIN_ROWS),
// checks a query, and exits 1 on a wrong answer or on a process warning (the
// worker file not found beside the bundle). The process must then exit by
// itself: a worker left running would keep it alive.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mode = process.argv[2] === 'cjs' ? 'cjs' : 'esm';
const dist = new URL('../dist/', import.meta.url);
const { OmenDB } = mode === 'cjs' ? createRequire(import.meta.url)(new URL('index.cjs', dist).pathname) : await import(new URL('index.js', dist).href);
const warnings = [];
process.on('warning', (w) => warnings.push(w.message));
const dir = mkdtempSync(join(tmpdir(), 'omendb-dist-build-'));
try {
  const db = await OmenDB.open(dir, { durability: 'none', maxSegments: 100 });
  const col = await db.createCollection({ name: 'c', dimension: 16, metric: 'l2' });
  let state = 7;
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const rows = 6000;
  const ids = Array.from({ length: rows }, (_, i) => `id${i}`);
  const embeddings = ids.map(() => Array.from({ length: 16 }, random));
  for (let i = 0; i < rows; i += 1500) {
    await col.add({ ids: ids.slice(i, i + 1500), embeddings: embeddings.slice(i, i + 1500) });
    await db.checkpoint();
  }
  const t0 = performance.now();
  await col.compact();
  const compactMs = Math.round(performance.now() - t0);
  const top = (await col.query({ queryEmbeddings: [embeddings[123]], nResults: 1 })).ids[0][0];
  const segments = col.stats().segments;
  await db.close();
  console.log(JSON.stringify({ mode, compactMs, segments, top, warnings }));
  if (top !== 'id123' || segments !== 1 || warnings.length > 0) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
