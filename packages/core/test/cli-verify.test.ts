import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from '../src/format/checksum.js';
import { OmenDB } from '../src/index.js';
import type { VerifyReport } from '../src/cli/verify/report.js';
import { hasDataset } from './helpers/datasets.js';
import { tempDir } from './helpers/tmp.js';
import { DIST_INDEX } from './helpers/dist.js';
import { buildDatabase, omendb, onlySegmentFile, snapshot } from './fixtures/cli-harness.js';

const tmp = tempDir('omendb-cli-verify-');
const clean = join(tmp.dir, 'clean');
let copies = 0;
afterAll(() => tmp.cleanup());

/** A fresh copy of the clean database. */
function copy(): string {
  const dir = join(tmp.dir, `copy-${copies++}`);
  cpSync(clean, dir, { recursive: true });
  return dir;
}

async function verifyJson(dir: string): Promise<{ code: number; report: VerifyReport; stderr: string }> {
  const r = await omendb('verify', dir, '--json');
  return { code: r.code, report: r.stdout ? (JSON.parse(r.stdout) as VerifyReport) : (undefined as never), stderr: r.stderr };
}

/** Offset and length of the section of `kind` in a segment file (docs/format/segment.md). */
function section(bytes: Buffer, kind: number): { offset: number; length: number; entry: number } {
  const count = bytes.readUInt32LE(12);
  for (let i = 0; i < count; i++) {
    const entry = 48 + i * 32;
    if (bytes.readUInt32LE(entry) === kind) return { offset: Number(bytes.readBigUInt64LE(entry + 8)), length: Number(bytes.readBigUInt64LE(entry + 16)), entry };
  }
  throw new Error(`no section ${kind}`);
}

const src = DIST_INDEX;

/** Adds records in a child process that exits without closing: they live only in the WAL, and its LOCK stays behind. */
function crashAfterAdds(dir: string, ids: string[]): void {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
    import { OmenDB } from ${JSON.stringify(src)};
    const db = await OmenDB.open(${JSON.stringify(dir)});
    const col = await db.getCollection('sift10k');
    for (const id of ${JSON.stringify(ids)}) await col.add({ ids: [id], embeddings: [new Array(128).fill(3)] });
    await col.delete({ ids: ['0'] });
    process.exit(0);`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

describe.skipIf(!hasDataset('sift10k'))('omendb verify on sift10k', () => {
  beforeAll(async () => {
    await buildDatabase(clean, { dataset: 'sift10k', metric: 'l2' });
  });

  it('passes a clean database, reading every file and changing none', async () => {
    const before = snapshot(clean);
    const r = await omendb('verify', clean);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/collection "sift10k" \([0-9a-f]+\): 10,000 records, 1 segment, 0 WAL records to replay/);
    expect(r.stdout).toMatch(/Checked 5 files \(.*\) in .*: 0 errors, 0 warnings — no problems found/);
    expect(snapshot(clean)).toEqual(before);
  });

  it('reports a flipped byte in the vectors and in the graph section with the file and the offset range holding it', async () => {
    const dir = copy();
    const file = onlySegmentFile(dir);
    const bytes = readFileSync(file);
    const vectors = section(bytes, 1);
    const graph = section(bytes, 5);
    const flips = [vectors.offset + 4321, graph.offset + graph.length - 7];
    for (const at of flips) bytes[at] ^= 0x10;
    writeFileSync(file, bytes);
    const { code, report } = await verifyJson(dir);
    expect(code).toBe(1);
    const errors = report.problems.filter((p) => p.severity === 'error');
    expect(errors).toHaveLength(2);
    errors.forEach((p, i) => {
      expect(p.file).toBe(file);
      expect(p.offset! <= flips[i] && flips[i] < p.offset! + p.lengthBytes!).toBe(true);
      expect(p.message).toContain(i === 0 ? 'vectors section checksum mismatch' : 'graph section checksum mismatch');
    });
    const text = await omendb('verify', dir);
    expect(text.stdout).toContain(`segments/1/segment.bin at offset ${vectors.offset} (5,120,000 bytes): vectors section checksum mismatch`);
    expect(text.stdout).toMatch(/2 errors, 0 warnings — the database is damaged/);
  });

  it('finds a graph neighbour id out of range behind valid checksums, at its exact offset', async () => {
    const dir = copy();
    const file = onlySegmentFile(dir);
    const bytes = readFileSync(file);
    const graph = section(bytes, 5);
    const count = bytes.readUInt32LE(graph.offset + 12);
    // Node 0, level 0: degree, then its first neighbour (graph.md, "Links area").
    const links = graph.offset + 48 + Math.ceil(count / 4) * 4;
    expect(bytes.readUInt32LE(links)).toBeGreaterThan(0);
    bytes.writeUInt32LE(count + 5, links + 4);
    // Re-seal the checksums so only the structural check can catch it.
    bytes.writeUInt32LE(crc32(bytes.subarray(graph.offset, graph.offset + graph.length)), graph.entry + 24);
    const sections = bytes.readUInt32LE(12);
    bytes.writeUInt32LE(crc32(Buffer.concat([bytes.subarray(0, 44), bytes.subarray(48, 48 + sections * 32)])), 44);
    writeFileSync(file, bytes);
    const { code, report } = await verifyJson(dir);
    expect(code).toBe(1);
    expect(report.problems).toEqual([
      { severity: 'error', file, offset: links + 4, message: `HNSW graph: node 0 links to ${count + 5} ≥ ${count} nodes` },
    ]);
  });

  it('reports a damaged manifest', async () => {
    const dir = copy();
    const collection = join(dir, 'collections', readdirSync(join(dir, 'collections'))[0]);
    const manifest = join(collection, readdirSync(collection).find((n) => n.startsWith('MANIFEST-'))!);
    const bytes = readFileSync(manifest);
    bytes[30] ^= 0x01;
    writeFileSync(manifest, bytes);
    const { code, report } = await verifyJson(dir);
    expect(code).toBe(1);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ severity: 'error', file: manifest, offset: 16 });
    expect(report.problems[0].message).toMatch(/manifest section 1 checksum mismatch/);
  });

  it('counts WAL records as recovery will, warns about a torn tail and a stale lock, and truncates nothing', async () => {
    const dir = copy();
    crashAfterAdds(dir, ['w1', 'w2', 'w3']);
    const first = await verifyJson(dir);
    expect(first.code).toBe(0);
    expect(first.report.collections[0]).toMatchObject({ name: 'sift10k', records: 10002, walRecords: 4 });
    expect(first.report.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^lock left by process \d+, which is no longer running/)]);

    const walDir = join(dir, 'collections', readdirSync(join(dir, 'collections'))[0], 'wal');
    const wal = join(walDir, readdirSync(walDir).sort().pop()!);
    const size = statSync(wal).size;
    // Cut into the last record (the delete): the three adds stay.
    truncateSync(wal, size - 5);
    const before = snapshot(dir);
    const torn = await verifyJson(dir);
    expect(torn.code).toBe(0);
    expect(torn.report.collections[0]).toMatchObject({ records: 10003, walRecords: 3 });
    const warning = torn.report.problems.find((p) => p.file === wal)!;
    expect(warning.severity).toBe('warning');
    expect(warning.message).toMatch(/^torn tail: the last \d+ bytes are an incomplete record, never acknowledged/);
    expect(snapshot(dir)).toEqual(before);

    // Recovery agrees with what verify predicted.
    const db = await OmenDB.open(dir);
    expect(await (await db.getCollection('sift10k')).count()).toBe(10003);
    await db.close();
    expect((await verifyJson(dir)).report.problems).toEqual([]);
  });

  it('reports a damaged record inside the WAL as an error', async () => {
    const dir = copy();
    crashAfterAdds(dir, ['w1', 'w2']);
    const walDir = join(dir, 'collections', readdirSync(join(dir, 'collections'))[0], 'wal');
    const wal = join(walDir, readdirSync(walDir).sort().pop()!);
    const bytes = readFileSync(wal);
    bytes[16 + 30] ^= 0xff; // inside the first record's payload, with records after it
    writeFileSync(wal, bytes);
    const { code, report } = await verifyJson(dir);
    expect(code).toBe(1);
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([
      { severity: 'error', file: wal, offset: 16, message: 'record checksum mismatch with more records after it' },
    ]);
  });

  it('verifies while this process holds the database open for writing, and writes nothing', async () => {
    const dir = copy();
    const db = await OmenDB.open(dir);
    const before = snapshot(dir);
    const r = await omendb('verify', dir);
    expect(snapshot(dir)).toEqual(before);
    await db.close();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no problems found/);
  });

  it('verifies while another process writes and checkpoints', async () => {
    const dir = copy();
    const writer = spawn(process.execPath, ['--input-type=module', '-e', `
      import { OmenDB } from ${JSON.stringify(src)};
      const db = await OmenDB.open(${JSON.stringify(dir)});
      const col = await db.getOrCreateCollection({ name: 'busy', dimension: 2, embeddingFunction: null });
      console.log('writing');
      for (let i = 0; ; i++) {
        await col.add({ ids: ['w' + i], embeddings: [[i, 1]] });
        if (i % 20 === 19) await db.checkpoint();
      }`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()));
      for (let i = 0; i < 3; i++) {
        const r = await verifyJson(dir);
        expect(r.stderr).toBe('');
        expect(r.report.problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(r.code).toBe(0);
        expect(r.report.collections.map((c) => c.name)).toContain('busy');
      }
    } finally {
      writer.kill('SIGKILL');
      await new Promise((r) => writer.once('exit', r));
    }
  });
});

describe('omendb verify on a directory that is not a database', () => {
  it('reports the missing FORMAT file', async () => {
    const dir = join(tmp.dir, 'plain');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'not a database');
    const r = await omendb('verify', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error    FORMAT: the FORMAT file is missing/);
  });
});
