/**
 * The embedding function across processes: one process creates a collection
 * with a function and adds text; fresh processes reopen it with the same
 * function, with none (the class registered), and with another one. Runs
 * the built package (`pnpm build` first, as `pnpm test` does).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/tmp.js';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const tmp = tempDir('omendb-embedding-process-');
afterAll(tmp.cleanup);

// Plain JS run by node: the toy function of helpers/toy-embedding.ts in short (lengths of words), with name and config.
const PRELUDE = `
import { OmenDB, registerEmbeddingFunction } from ${JSON.stringify(pathToFileURL(DIST).href)};
class WordLengths {
  name = 'word-lengths';
  constructor(dim = 4) { this.dim = dim; }
  async generate(texts) {
    return texts.map((t) => { const v = new Array(this.dim).fill(0.01); for (const w of t.split(' ')) v[w.length % this.dim] += 1; return v; });
  }
  getConfig() { return { dim: this.dim }; }
  static buildFromConfig(c) { return new WordLengths(c.dim); }
}
const [dir, mode] = process.argv.slice(2);
const db = await OmenDB.open(dir);
try {
`;
const EPILOGUE = `
} catch (err) {
  console.log(JSON.stringify({ error: err.code, message: err.message }));
} finally {
  await db.close();
}
`;

function run(body: string, dir: string, mode = ''): unknown {
  const script = join(tmp.dir, `child-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(script, PRELUDE + body + EPILOGUE);
  const out = execFileSync(process.execPath, [script, dir, mode], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

describe.skipIf(!existsSync(DIST))('an embedding function across processes', () => {
  it('the creating process records it; a new process works with the same one, rebuilds a registered one, and refuses another', () => {
    const dir = join(tmp.dir, 'db');
    run(
      `const col = await db.createCollection({ name: 'c', embeddingFunction: new WordLengths(4) });
       await col.add({ ids: ['a', 'b'], documents: ['aaa aaa aaa', 'bb bb'] });
       console.log(JSON.stringify({ ok: true }));`,
      dir,
    );
    const query = `const r = await col.query({ queryTexts: ['ccc'], nResults: 1 }); console.log(JSON.stringify({ ids: r.ids }));`;
    expect(run(`const col = await db.getCollection({ name: 'c', embeddingFunction: new WordLengths(4) }); ${query}`, dir)).toEqual({ ids: [['a']] });
    expect(run(`registerEmbeddingFunction('word-lengths', WordLengths); const col = await db.getCollection({ name: 'c' }); ${query}`, dir)).toEqual({ ids: [['a']] });
    expect(run(`const col = await db.getCollection({ name: 'c' }); ${query}`, dir)).toMatchObject({
      error: 'EMBEDDING_FUNCTION',
      message: expect.stringContaining('"word-lengths"'),
    });
    expect(run(`const col = await db.getCollection({ name: 'c', embeddingFunction: new WordLengths(6) }); ${query}`, dir)).toMatchObject({
      error: 'EMBEDDING_FUNCTION',
    });
  });
});
