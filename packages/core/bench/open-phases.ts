/**
 * Where the open of a segment goes, phase by phase, in this fresh process:
 * for each segment file of the database at OPEN_DIR (built by
 * bench/open-time.ts), the steps Segment.open takes — map the file and
 * check its table; read and check the ids and decode them; read and check
 * the graph; then openStoredWith, split into the vectors' fill (huge-page
 * hint, positional read into the index memory, crc32 there) and the rest
 * (levels, link parsing and copying); for a version-2 segment (page
 * checksums; EAGER=1 forces the eager path) openStoredPaged, the first
 * two queries (the pages they reach) and the rest of the load. Each line gives CPU ms (of it system
 * ms), wall ms and minor page faults. Then the floor the fill cannot go
 * under: writing as many bytes into a fresh WebAssembly memory with the
 * same huge-page hint (no file, no checksum). Last, the process's anonymous
 * and huge-page memory (/proc/self/smaps_rollup, Linux).
 *
 * Fresh memory is the cost to watch: on a VM its first touch can fault on
 * the host too, so the same fill varies several-fold from one process to the
 * next. Run it several times.
 *
 * Run: OPEN_DIR=/tmp/open-bench/1m npx tsx packages/core/bench/open-phases.ts
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStoredPaged, openStoredWith } from '../src/ann/hnsw/hnsw-open.js';
import { BlobList } from '../src/format/blob-list.js';
import { SectionKind } from '../src/format/segment-file.js';
import { adviseHugePages } from '../src/fs/mmap.js';
import { NodeVfs } from '../src/fs/node-vfs.js';
import { KernelMemory } from '../src/kernels/kernel-memory.js';
import { sectionsInFile } from '../src/storage/segment-sections.js';
import { loadDataset } from '../test/helpers/datasets.js';
import { mixtureRows } from './generated-data.js';

const dir = process.env.OPEN_DIR;
if (dir === undefined) throw new Error('set OPEN_DIR to a database built by bench/open-time.ts');

/** Runs `f`, prints its CPU, system, wall milliseconds and minor faults. */
function phase<T>(label: string, f: () => T): T {
  const faults = process.resourceUsage().minorPageFault;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = f();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const fmt = (ms: number) => ms.toFixed(0).padStart(6);
  console.log(
    `${label.padEnd(34)} cpu ${fmt((used.user + used.system) / 1000)} ms (sys ${fmt(used.system / 1000)})  wall ${fmt(wall)} ms  minor faults ${process.resourceUsage().minorPageFault - faults}`,
  );
  return result;
}

const segmentFiles: string[] = [];
for (const collection of readdirSync(join(dir, 'collections'))) {
  const segments = join(dir, 'collections', collection, 'segments');
  if (!existsSync(segments)) continue;
  for (const id of readdirSync(segments)) segmentFiles.push(join(segments, id, 'segment.bin'));
}

const sift = loadDataset('sift10k', 'l2');
const vfs = new NodeVfs();
let indexBytes = 0;
for (const file of segmentFiles) {
  console.log(file);
  const fd = vfs.open(file, 'r');
  const sections = phase('map + table', () => sectionsInFile(vfs, fd, file));
  const entry = (kind: SectionKind) => {
    const found = sections.entries.get(kind);
    if (!found) throw new Error(`${file} has no section ${kind}`);
    return found;
  };
  const ids = phase('ids: read + crc32', () => sections.read(entry(SectionKind.Ids)));
  phase('ids: decode', () => BlobList.decode(ids, file, entry(SectionKind.Ids).offset));
  const graph = phase('graph: read + crc32', () => sections.read(entry(SectionKind.Graph)));
  const { rows, dimension, metric } = sections.header;
  const source = { file, offset: entry(SectionKind.Graph).offset };
  const paged = sections.entries.has(SectionKind.PageChecksums) && sections.paged !== undefined && !process.env.EAGER;
  const index = paged
    ? phase('openStoredPaged', () =>
        openStoredPaged(
          { dimension, metric },
          rows,
          phase('  page checksums: read + crc32', () => sections.paged!(entry(SectionKind.Vectors), entry(SectionKind.PageChecksums))),
          graph,
          source,
        ),
      )
    : phase('openStoredWith (all)', () =>
        openStoredWith({ dimension, metric }, rows, (dest) => phase('  vectors: hint + read + crc32', () => sections.readInto(entry(SectionKind.Vectors), dest)), graph, source),
      );
  sections.done?.();
  vfs.close(fd);
  if (paged) {
    const query = mixtureRows(sift.base.data, sift.dim, 1, 2);
    phase('first query (pages it reaches)', () => index.search(query, 10));
    phase('second query', () => index.search(mixtureRows(sift.base.data, sift.dim, 1, 3), 10));
    phase('rest of the load (loadAll)', () => index.loadAll());
  }
  const bytes = index.memoryBytes();
  indexBytes += bytes.vectors + bytes.graph;
}

const fresh = KernelMemory.create();
fresh.ensureBytes(indexBytes);
adviseHugePages(fresh.u8);
phase(`floor: fill ${(indexBytes / 2 ** 20).toFixed(0)} MiB fresh memory`, () => fresh.u8.fill(1));
if (existsSync('/proc/self/smaps_rollup')) {
  const lines = readFileSync('/proc/self/smaps_rollup', 'utf8').split('\n');
  console.log(lines.filter((line) => /^(Rss|Anonymous|AnonHugePages):/.test(line)).join('  '));
}
