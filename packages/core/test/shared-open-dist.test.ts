/**
 * The built package loaded twice in one process, as a bundler or a mixed
 * ESM/CommonJS app does: both copies share one open database through the
 * registry on globalThis. Runs on `dist/`; `pnpm test` builds first, and a
 * bare `vitest run` without dist skips it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/tmp.js';

const esm = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const cjs = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe.skipIf(!existsSync(esm) || !existsSync(cjs))('the ESM and CommonJS builds loaded at once', () => {
  it('share one open database: writes through one are read through the other; the last close releases the lock', () => {
    const script = `
      import { createRequire } from 'node:module';
      import { existsSync } from 'node:fs';
      const dir = ${JSON.stringify(dir)};
      const fromEsm = await import(${JSON.stringify(esm)});
      const fromCjs = createRequire(import.meta.url)(${JSON.stringify(cjs)});
      const out = { twoCopies: fromEsm.OmenDB !== fromCjs.OmenDB };
      const a = await fromEsm.OmenDB.open(dir);
      const b = await fromCjs.OmenDB.open(dir, { lockTimeoutMs: 0 });
      await (await a.createCollection({ name: 'c', dimension: 2 })).add({ ids: ['x'], embeddings: [[1, 2]] });
      out.readThroughCjs = (await (await b.getCollection('c')).get({ ids: ['x'] })).ids;
      await a.close();
      out.lockAfterFirstClose = existsSync(dir + '/LOCK');
      out.countThroughCjs = await (await b.getCollection('c')).count();
      try { await fromCjs.OmenDB.open(dir, { durability: 'os' }); } catch (e) { out.conflict = e.code; }
      await b.close();
      out.lockAfterLastClose = existsSync(dir + '/LOCK');
      console.log(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      twoCopies: true,
      readThroughCjs: ['x'],
      lockAfterFirstClose: true,
      countThroughCjs: 1,
      conflict: 'VALIDATION',
      lockAfterLastClose: false,
    });
  });
});
