/**
 * Child of bench/open-time-fresh.ts: in this fresh process, opens the
 * database at argv[2] (built by bench/open-time.ts), gets its collection
 * `generated`, runs the first query (the first generated query, seed 2) and
 * prints one JSON line: wall seconds of the open and of the query, CPU
 * seconds of both, the RSS after them (bytes), and the collection's
 * memoryBytes / mappedBytes.
 */
import { OmenDB } from '../src/index.js';
import { loadDataset } from '../test/helpers/datasets.js';
import { mixtureRows } from './generated-data.js';

const dir = process.argv[2];
const sift = loadDataset('sift10k', 'l2');
const query = mixtureRows(sift.base.data, sift.dim, 1, 2);

const started = performance.now();
const cpu = process.cpuUsage();
const db = await OmenDB.open(dir);
const col = await db.getCollection('generated');
const opened = performance.now();
const result = await col.query({ queryEmbeddings: [query], nResults: 10 });
const done = performance.now();
const used = process.cpuUsage(cpu);
if (result.ids[0].length !== 10) throw new Error('the first query returned fewer than 10 results');
const stats = col.stats();
process.stdout.write(
  JSON.stringify({
    openSeconds: (opened - started) / 1000,
    firstQuerySeconds: (done - opened) / 1000,
    totalSeconds: (done - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    rssBytes: process.memoryUsage().rss,
    memoryBytes: stats.memoryBytes,
    mappedBytes: stats.mappedBytes,
    count: stats.count,
  }) + '\n',
);
await db.close();
