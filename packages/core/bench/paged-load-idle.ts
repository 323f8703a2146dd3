/**
 * How long a version-2 collection takes to finish its background load in a
 * process that does nothing else: opens the database at OPEN_DIR (built by
 * bench/open-time.ts) with the built package, then only waits, checking
 * every 250 ms whether each segment's index is loaded (bench-only reach past
 * the public API). Prints wall and CPU seconds from the open to the end of
 * the load, and the segments. The waiting is the case this measures: a
 * server between requests, whose event loop nothing else wakes.
 *
 * Run: pnpm --filter @omendb/core build && OPEN_DIR=/tmp/open-1m node --import tsx packages/core/bench/paged-load-idle.ts
 */
import { OmenDB } from '../dist/index.js';
import type { CollectionStore } from '../src/storage/collection-store.js';

const dir = process.env.OPEN_DIR;
if (dir === undefined) throw new Error('set OPEN_DIR to a database built by bench/open-time.ts');
const LIMIT_SECONDS = 120;

const started = performance.now();
const cpu = process.cpuUsage();
const db = await OmenDB.open(dir);
const [first] = await db.listCollections();
const col = await db.getCollection(typeof first === 'string' ? first : first.name);
const store = (col as unknown as { store: CollectionStore }).store;
const indexes = store.state.parts.filter((p) => p.rows > 0).map((p) => p.index as { loaded?: boolean });
const pending = () => indexes.some((index) => index.loaded === false);
while (pending() && performance.now() - started < LIMIT_SECONDS * 1000) await new Promise((resolve) => setTimeout(resolve, 250));
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    loaded: !pending(),
    wallSeconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    segments: indexes.length,
  }),
);
await db.close();
