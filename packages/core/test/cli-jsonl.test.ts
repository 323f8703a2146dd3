import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { float32Text } from '../src/cli/float-text.js';
import { encodeRecordLine, parseRecordLine } from '../src/cli/jsonl-record.js';
import { readLines } from '../src/fs/line-reader.js';
import { NodeVfs } from '../src/fs/node-vfs.js';
import { StreamingFileWriter } from '../src/fs/streaming-file-writer.js';
import { seededRandom, tempDir } from './helpers/tmp.js';

const tmp = tempDir('omendb-cli-lines-');
afterAll(() => tmp.cleanup());
const vfs = new NodeVfs();

describe('float32Text', () => {
  it('reads back as the same float32 for random bit patterns, and is never longer than the float64 text', () => {
    const seed = 7;
    const rand = seededRandom(seed);
    const bits = new Uint32Array(1);
    const f = new Float32Array(bits.buffer);
    const failures: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      bits[0] = Math.floor(rand() * 2 ** 32);
      if (!Number.isFinite(f[0])) continue;
      const text = float32Text(f[0]);
      if (Math.fround(Number(text)) !== f[0] || text.length > String(f[0]).length) failures.push(`bits 0x${bits[0].toString(16)} → ${text}`);
    }
    expect(failures, `seed ${seed}`).toEqual([]);
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
    expect(float32Text(Math.fround(-1.5e-7))).toBe('-1.5e-7');
    expect(float32Text(117)).toBe('117');
  });
});

describe('record lines', () => {
  const ctx = { file: 'f.jsonl', dimension: 3, metric: 'cosine' as const };
  it('encode and parse back', () => {
    const line = encodeRecordLine('a"b', new Float32Array([0.1, -2, 3.5]), { k: [1, 'x'], n: { m: true } }, 'doc\nline');
    expect(line.endsWith('\n')).toBe(true);
    const r = parseRecordLine(new TextEncoder().encode(line.trimEnd()), 1, ctx)!;
    expect(r).toEqual({ id: 'a"b', embedding: new Float32Array([0.1, -2, 3.5]), metadata: { k: [1, 'x'], n: { m: true } }, document: 'doc\nline' });
    expect(parseRecordLine(new TextEncoder().encode('  \r'), 2, ctx)).toBeNull();
  });

  it.each([
    ['{"id":"a","embedding":[0,0,0]}', 'VALIDATION', 'f.jsonl line 9: embedding: a zero vector has no cosine distance'],
    ['{"id":"a","embedding":[1,2,1e999]}', 'VALIDATION', 'f.jsonl line 9: embedding[2]: Infinity is not a finite float32'],
    ['{"id":"","embedding":[1,2,3]}', 'VALIDATION', 'f.jsonl line 9: id: an id must not be empty'],
    ['{"id":1,"embedding":[1,2,3]}', 'VALIDATION', 'f.jsonl line 9: "id" must be a string'],
    ['{"id":"a","embedding":[1,2,3],"metadata":{"$x":1}}', 'VALIDATION', expect.stringMatching(/^f\.jsonl line 9: metadata\.\$x: /)],
    ['{"id":"a","embedding":[1,2,3],"document":5}', 'VALIDATION', 'f.jsonl line 9: "document" must be a string or null'],
    ['[1,2]', 'VALIDATION', 'f.jsonl line 9: expected a JSON object {"id", "embedding", "metadata", "document"}'],
    ['{"id":"a","embedding":[1,2]}', 'DIMENSION_MISMATCH', 'f.jsonl line 9: "embedding" has 2 values, the collection\'s dimension is 3'],
  ])('rejects %s', (text, code, message) => {
    let error: unknown;
    try {
      parseRecordLine(new TextEncoder().encode(text), 9, ctx);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code, message });
  });

  it('rejects bytes that are not UTF-8', () => {
    expect(() => parseRecordLine(new Uint8Array([0x7b, 0xff, 0x7d]), 4, ctx)).toThrow('f.jsonl line 4: not valid UTF-8');
  });
});

describe('readLines', () => {
  it('splits lines across chunk boundaries, keeps a last line without newline, counts offsets', () => {
    const file = join(tmp.dir, 'lines.txt');
    const lines = ['', 'a', 'bb', 'x'.repeat(37), 'ü€𝄞', '', 'tail'];
    writeFileSync(file, lines.join('\n'));
    for (const chunk of [1, 2, 3, 5, 64, 1 << 20]) {
      // Decoded as they come: a line's bytes are a view valid until the next line.
      const got: { n: number; text: string; end: number }[] = [];
      for (const l of readLines(vfs, file, chunk)) got.push({ n: l.number, text: new TextDecoder().decode(l.bytes), end: l.endOffset });
      expect(got.map((l) => l.text), `chunk ${chunk}`).toEqual(lines);
      expect(got.map((l) => l.n)).toEqual(lines.map((_, i) => i + 1));
      expect(got[got.length - 1].end).toBe(Buffer.byteLength(lines.join('\n')));
    }
  });

  it('yields nothing for an empty file', () => {
    const file = join(tmp.dir, 'empty.txt');
    writeFileSync(file, '');
    expect([...readLines(vfs, file)]).toEqual([]);
  });
});

describe('StreamingFileWriter', () => {
  it('publishes the file only on commit, and leaves nothing after abort', async () => {
    const path = join(tmp.dir, 'out.jsonl');
    const w = new StreamingFileWriter(vfs, path, 8);
    w.write(new TextEncoder().encode('hello '));
    w.write(new TextEncoder().encode('a piece longer than the buffer'));
    expect(existsSync(path)).toBe(false);
    await w.commit();
    expect(readFileSync(path, 'utf8')).toBe('hello a piece longer than the buffer');
    const aborted = join(tmp.dir, 'aborted.jsonl');
    const a = new StreamingFileWriter(vfs, aborted);
    a.write(new TextEncoder().encode('partial'));
    a.abort();
    expect(existsSync(aborted) || existsSync(`${aborted}.tmp`)).toBe(false);
  });
});
