import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmenDB } from '../src/index.js';
import { tempDir } from './helpers/tmp.js';
import { DIST_CLI, DIST_INDEX } from './helpers/dist.js';
import { omendbProcess, onlySegmentFile } from './fixtures/cli-harness.js';

const tmp = tempDir('omendb-cli-errors-');
const dir = join(tmp.dir, 'db');
afterAll(() => tmp.cleanup());

beforeAll(async () => {
  const db = await OmenDB.open(dir);
  const col = await db.createCollection({ name: 'docs', dimension: 3 });
  await col.add({ ids: ['a', 'b'], embeddings: [[1, 0, 0], [0, 1, 0]], documents: ['x', 'y'] });
  await db.close();
});

describe('errors of the omendb command (run as a process)', () => {
  it('prints one line with the code, what happened and what to do; --verbose adds the stack', () => {
    const missing = join(tmp.dir, 'nope');
    const r = omendbProcess('stats', missing);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`omendb: error NOT_FOUND: ${missing} does not exist — check the path\n`);

    const verbose = omendbProcess('stats', missing, '--verbose');
    const lines = verbose.stderr.trimEnd().split('\n');
    expect(verbose.code).toBe(1);
    expect(lines[0]).toBe(r.stderr.trimEnd());
    expect(lines[1]).toBe(`CliError: ${missing} does not exist`);
    expect(lines.slice(2).every((l) => /^\s+at /.test(l))).toBe(true);
    expect(verbose.stderr).toMatch(/^\s+at requireDatabase /m);
  });

  it('reports a corrupt file with its path and offset, and points to verify', () => {
    const copy = join(tmp.dir, 'corrupt');
    spawnSync('cp', ['-r', dir, copy]);
    const file = onlySegmentFile(copy);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(file, bytes);
    const r = omendbProcess('export', copy, '--collection', 'docs');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^omendb: error CORRUPTION: corruption in ${file} at offset \\d+: section \\d+ checksum mismatch \\(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\\) — run "omendb verify <dir>" to list every damaged file`),
    );
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('exits 2 with LOCKED when a writing command (compact) meets another process that has the database open', async () => {
    const src = DIST_INDEX;
    const holder = spawn(process.execPath, ['--input-type=module', '-e', `
      import { OmenDB } from ${JSON.stringify(src)};
      await OmenDB.open(${JSON.stringify(dir)}); console.log('held'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
      const r = omendbProcess('compact', dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^omendb: error LOCKED: ${dir} is locked by process ${holder.pid} on .*open it read-only.* — close the program that has the database open .*\\n$`));
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
    }
  });

  it('exits 2 on bad usage, 0 for --help', () => {
    const r = omendbProcess('export', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: required option '--collection <name>' not specified\n/);
    const bad = omendbProcess('import', dir, 'x.jsonl', '--collection', 'c', '--metric', 'hamming');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error: option '--metric <metric>' argument 'hamming' is invalid\. Allowed choices are l2, cosine, ip\./);
    const help = omendbProcess('--help');
    expect(help.code).toBe(0);
    for (const command of ['stats', 'verify', 'compact', 'export', 'import', 'migrate']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('tells the user to install chromadb when migrate cannot load it', () => {
    const hook = fileURLToPath(new URL('./fixtures/cli-no-chromadb.mjs', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', hook, DIST_CLI, 'migrate', '--from', dir, '--to', 'http://127.0.0.1:9'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'omendb: error CHROMA_MISSING: migrate talks to Chroma through its JS client, and the chromadb package is not installed — install it next to @omendb/core: npm install chromadb@^3\n',
    );
  });
});
